using OpenCvSharp;
using TorchSharp;

namespace GhostYolo.Platform;

/// <summary>
/// The process-wide settings libtorch has only globally. A host (the <c>ghostyolo</c> command, your app) sets them
/// with <see cref="Configure"/>; GhostYolo never changes them by itself, neither when it is loaded nor when it trains,
/// validates or predicts. Without the call, libtorch keeps its own defaults (one intra-op thread per core, the C
/// library's malloc settings).
/// </summary>
public static class GhostYoloRuntime
{
    /// <summary>
    /// Applies <paramref name="settings"/>: glibc malloc tuning (once per process, best before the first tensor: see
    /// the remarks of <c>NativeHeap</c> and docs/workarounds.md), OpenCV's thread count and, when given, libtorch's
    /// intra-op thread count (ONNX Runtime sessions created afterwards take the same count). Call it again to change the threads.
    /// </summary>
    public static void Configure(RuntimeSettings? settings = null)
    {
        settings ??= new RuntimeSettings();
        if (settings.TuneMalloc) NativeHeap.Tune();
        if (settings.OpenCvThreads is { } cv)
        {
            if (cv < 1) throw new ArgumentOutOfRangeException(nameof(settings), cv, "OpenCvThreads must be at least 1 (null keeps OpenCV's own default)");
            Cv2.SetNumThreads(cv);
        }
        if (settings.Threads is { } n)
        {
            if (n < 1) throw new ArgumentOutOfRangeException(nameof(settings), n, "Threads must be at least 1");
            torch.set_num_threads(n);
        }
    }

    /// <summary>libtorch's intra-op thread count now.</summary>
    public static int Threads => torch.get_num_threads();

    /// <summary>Threads OpenCV's own parallel loops use now (1: each call runs on its calling thread).</summary>
    public static int OpenCvThreads => Cv2.GetNumThreads();

    /// <summary>True when this process runs with GhostYolo's malloc settings.</summary>
    public static bool MallocTuned => NativeHeap.Tuned;

    /// <summary>
    /// Sets <paramref name="threads"/> intra-op threads until the returned scope is disposed, then restores the count
    /// before: for a benchmark that measures each thread count in turn.
    /// </summary>
    public static IDisposable UseThreads(int threads)
    {
        int before = torch.get_num_threads();
        torch.set_num_threads(threads);
        return new Restore(before);
    }

    private sealed class Restore(int threads) : IDisposable
    {
        public void Dispose() => torch.set_num_threads(threads);
    }
}

/// <summary>Settings for <see cref="GhostYoloRuntime.Configure"/>.</summary>
public sealed record RuntimeSettings
{
    /// <summary>libtorch's intra-op threads; null keeps the current count (by default one per core).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Keep freed tensor memory in glibc's heap instead of returning it to the kernel (training at 320 ran 21 → 28 img/s
    /// with it). Also off when the process has any <c>MALLOC_*</c> tunable, an <c>LD_PRELOAD</c> allocator, or
    /// <c>GHOSTYOLO_MALLOC=system</c>.
    /// </summary>
    public bool TuneMalloc { get; init; } = true;

    /// <summary>
    /// Threads for OpenCV's own parallel loops (resize, split, colour conversion, drawing); 1, the default, runs each call
    /// on the thread that makes it, as ultralytics does (<c>cv2.setNumThreads(0)</c>); null keeps OpenCV's default of one
    /// per core. GhostYolo already runs OpenCV on threads of its own (loader workers, the predict pipeline's decode and
    /// encode threads), and OpenCV's pool workers busy-wait after every call: in the int8 detect pipeline on two cores they
    /// burned 3 ms of CPU per frame for 0.6 ms of letterboxing, taken from the forward pass's threads.
    /// </summary>
    public int? OpenCvThreads { get; init; } = 1;
}
