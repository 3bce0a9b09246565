using GhostYolo.Nn;
using GhostYolo.Nn.Profiling;
using TorchSharp;

namespace GhostYolo.Benchmarks;

/// <summary>One forward-latency measurement: a model at a thread count and precision.</summary>
public sealed record ForwardRow(string Model, double GFlops, long Parameters, int Threads, Precision Precision, Latency Latency);

/// <summary>
/// Forward latency of the inference form (fused, eval, channels-last, fp32 or bf16), median and spread after warm-up,
/// per model × threads × precision. Thread counts are interleaved per model so every row sees similar machine load.
/// </summary>
public static class ForwardBenchmark
{
    public static IEnumerable<ForwardRow> Run(IReadOnlyList<string> models, int imgsz, IReadOnlyList<int> threads, IReadOnlyList<Precision> precisions,
        int batch = 1, int runs = 20, int? nc = null, CancellationToken ct = default)
    {
        foreach (var name in models)
        {
            foreach (var precision in precisions)
            {
                using var model = new ModelBuilder().Build(name, nc);
                var profile = ModelProfile.Measure(model, imgsz);
                var actual = model.PrepareForInference(precision);
                if (actual != precision) continue;   // the caller reports unsupported bf16 once
                foreach (var t in threads)
                {
                    ct.ThrowIfCancellationRequested();
                    torch.set_num_threads(t);
                    var latency = LatencyMeter.Measure(model, imgsz, runs, warmup: 3, batch: batch);
                    yield return new ForwardRow(profile.Name, profile.GFlops, profile.Parameters, t, precision, latency);
                }
            }
        }
    }
}
