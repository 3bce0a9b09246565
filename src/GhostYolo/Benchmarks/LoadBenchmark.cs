using System.Diagnostics;
using GhostYolo.Engine;
using static TorchSharp.torch;

namespace GhostYolo.Benchmarks;

/// <summary>One model file's load time: read, unpickle / parse, rebuild the model and load its weights.</summary>
internal sealed record LoadRow(string Model, long Bytes, double FirstMs, double MedianMs);

/// <summary>
/// How long a checkpoint takes to become a model inside the process (<c>benchmark --what load</c>): the first load
/// (cold caches, JIT) and the median of the following ones. For another tool's <c>.pt</c> this covers the zip, the
/// allow-list scan, unpickling, the YAML rebuild and the strict weight load.
/// </summary>
internal static class LoadBenchmark
{
    public static LoadRow Run(string model, int repeats = 5)
    {
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var loaded = ModelLoader.Load(model, CPU).Model) { }
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        var rest = times.Skip(1).Order().ToList();
        return new LoadRow(Path.GetFileName(model), File.Exists(model) ? new FileInfo(model).Length : 0, times[0],
            rest.Count > 0 ? rest[rest.Count / 2] : times[0]);
    }
}
