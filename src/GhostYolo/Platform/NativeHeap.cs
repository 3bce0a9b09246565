using System.Runtime.InteropServices;

namespace GhostYolo.Platform;

/// <summary>
/// Keeps glibc's malloc from handing tensor memory back to the kernel between steps.
/// </summary>
/// <remarks>
/// libtorch's CPU allocator is plain <c>malloc</c>. glibc serves every block above its mmap threshold (128 KiB, raised
/// dynamically to at most 32 MiB) with a fresh <c>mmap</c> and unmaps it on free, and trims the heap top above 128 KiB,
/// so each forward/backward pass page-faults its activations in again: a yolov8n training step at 640, batch 16, took
/// 3.3 million faults and ran at 1.8 img/s on 2 threads, against 6.8 img/s with the settings here (at 320: 21 → 28 img/s).
/// Serving everything from the heap and keeping freed memory lets the next step reuse it; the cost is that the process
/// keeps its peak footprint (yolov8n training at 320: 3.6–4.6 GB resident, flat from epoch 2, against 3.3–3.9 GB). Applied by
/// <see cref="GhostYoloRuntime.Configure"/> (the host's call, never a side effect of loading GhostYolo), Linux only; a process
/// started with any <c>MALLOC_*</c> tunable, an allocator in <c>LD_PRELOAD</c>, or <c>GHOSTYOLO_MALLOC=system</c> is left alone.
/// </remarks>
internal static class NativeHeap
{
    const int M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4;

    /// <summary>True when this process runs with the tuned settings.</summary>
    public static bool Tuned { get; private set; }

    /// <summary>Applies the settings once (later calls do nothing); best before libtorch's first allocation.</summary>
    internal static void Tune()
    {
        if (Tuned || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("GHOSTYOLO_MALLOC") == "system") return;
        foreach (var key in Environment.GetEnvironmentVariables().Keys)
            if (key is string k && k.StartsWith("MALLOC_", StringComparison.Ordinal)) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LD_PRELOAD"))) return;
        try
        {
            // mallopt returns 1 on success. No mmap'd chunks: big tensors come from the heap too; trim only above 2 GiB.
            Tuned = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, say): its allocator has no such knobs.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}
