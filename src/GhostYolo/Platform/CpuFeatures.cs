namespace GhostYolo.Platform;

/// <summary>What the CPU can do fast, read once from /proc/cpuinfo (Linux); used to decide whether bf16 inference pays off.</summary>
internal static class CpuFeatures
{
    private static readonly Lazy<string> Flags = new(() =>
    {
        try { return File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : ""; }
        catch (IOException) { return ""; }
    });

    /// <summary>AVX-512 BF16 or AMX-BF16: bfloat16 matrix kernels run natively (else bf16 is emulated and slower than fp32).</summary>
    public static bool HasBf16 => Flags.Value.Contains("avx512_bf16") || Flags.Value.Contains("amx_bf16");

    /// <summary>AVX-512 VNNI or AVX-VNNI: uint8 × int8 dot products in one instruction, ONNX Runtime's fast int8 convolution path.</summary>
    public static bool HasVnni => Flags.Value.Contains("avx512_vnni") || Flags.Value.Contains("avx_vnni");

    /// <summary>"AVX-512 VNNI yes, AVX-VNNI yes, AMX-INT8 no": the int8 features ONNX Runtime can use here.</summary>
    public static string Int8Summary
    {
        get
        {
            static string Has(string flag) => Flags.Value.Contains(flag) ? "yes" : "no";
            return $"AVX-512 VNNI {Has("avx512_vnni")}, AVX-VNNI {Has("avx_vnni")}, AMX-INT8 {Has("amx_int8")}";
        }
    }

    /// <summary>
    /// The (virtual) CPU reports no cache sizes: Linux lists no caches under /sys/devices/system/cpu/cpu0/cache, and
    /// oneDNN, reading the same cpuid leaves, sees zero-sized caches. Its 1×1 convolution heuristic then divides by zero.
    /// </summary>
    public static bool CacheSizesHidden { get; } = OperatingSystem.IsLinux() && !Directory.Exists("/sys/devices/system/cpu/cpu0/cache/index0");
}
