namespace GhostYolo.Nn;

/// <summary>What the CPU can do fast, read once from /proc/cpuinfo (Linux); used to decide whether bf16 inference pays off.</summary>
public static class CpuFeatures
{
    private static readonly Lazy<string> Flags = new(() =>
    {
        try { return File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : ""; }
        catch (IOException) { return ""; }
    });

    /// <summary>AVX-512 BF16 or AMX-BF16: bfloat16 matrix kernels run natively (else bf16 is emulated and slower than fp32).</summary>
    public static bool HasBf16 => Flags.Value.Contains("avx512_bf16") || Flags.Value.Contains("amx_bf16");
}
