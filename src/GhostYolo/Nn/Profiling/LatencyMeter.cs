using System.Diagnostics;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Profiling;

/// <summary>Forward latency statistics in milliseconds.</summary>
public sealed record Latency(double MedianMs, double P10Ms, double P90Ms, int Runs)
{
    public double Fps => 1000.0 / MedianMs;
}

/// <summary>
/// Measures forward latency: eval mode, no autograd, batch 1 (by default), a few warm-up passes, then the median of
/// timed passes. Timings on shared cores are noisy: compare ratios from one run, never assert them in tests.
/// </summary>
public static class LatencyMeter
{
    public static Latency Measure(DetectionModel model, int imgsz, int runs = 20, int warmup = 3, int batch = 1)
    {
        model.eval();
        using var _ = inference_mode();
        using var images = zeros(batch, model.Definition.InputChannels, imgsz, imgsz, dtype: ScalarType.Byte);
        using var input = model.PrepareInput(images);
        for (int i = 0; i < warmup; i++) { using var scope = NewDisposeScope(); model.call(input); }
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            model.call(input);
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
