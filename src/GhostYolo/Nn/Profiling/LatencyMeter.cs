using System.Diagnostics;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Profiling;

/// <summary>Forward latency statistics in milliseconds.</summary>
/// <param name="MedianMs">Median milliseconds per forward pass.</param>
/// <param name="P10Ms">10th percentile.</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="Runs">Timed passes.</param>
public sealed record Latency(double MedianMs, double P10Ms, double P90Ms, int Runs)
{
    /// <summary>Forward passes per second at the median latency.</summary>
    public double Fps => 1000.0 / MedianMs;
}

/// <summary>
/// Measures forward latency: eval mode, no autograd, batch 1 (by default), a few warm-up passes, then the median of
/// timed passes. Timings on shared cores are noisy: compare ratios from one run, never assert them in tests.
/// </summary>
internal static class LatencyMeter
{
    /// <summary>Latency of <paramref name="forward"/> on uint8 images (batch, channels, imgsz, imgsz); call it on a model
    /// already in its inference form (e.g. through an inference runner).</summary>
    public static Latency Measure(Func<Tensor, Tensor> forward, int channels, int imgsz, int runs = 20, int warmup = 3, int batch = 1)
    {
        using var _ = inference_mode();
        using var images = zeros(batch, channels, imgsz, imgsz, dtype: ScalarType.Byte);
        for (int i = 0; i < warmup; i++) { using var scope = NewDisposeScope(); forward(images); }
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            forward(images);
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return new Latency(Percentile(times, 0.5), Percentile(times, 0.1), Percentile(times, 0.9), runs);
    }

    private static double Percentile(double[] sorted, double q)
    {
        double pos = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
