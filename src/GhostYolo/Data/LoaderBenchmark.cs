using System.Diagnostics;
using System.Globalization;
using System.Text;
using GhostYolo.Data.Transforms;

namespace GhostYolo.Data;

/// <summary>One benchmark measurement.</summary>
internal sealed record LoaderBenchmarkRow(int ImgSize, int Workers, int BatchSize, int Images, double Seconds)
{
    /// <summary>Throughput.</summary>
    public double ImagesPerSecond => Images / Seconds;
}

/// <summary>
/// Measures training-batch throughput (decode + Mosaic + perspective + HSV + flips + collation) of <see cref="Loader"/>.
/// Not a test: it reports numbers, see <c>ghostyolo benchmark --what loader</c>.
/// </summary>
internal static class LoaderBenchmark
{
    /// <summary>
    /// Generates a shapes dataset per size in <paramref name="workDir"/> (source images at that size) and times
    /// <paramref name="batches"/> mosaic batches of one epoch, wall-clock from the first request (thread start and
    /// first decodes included, so prefetching cannot inflate the rate), for every (size, workers) pair.
    /// </summary>
    public static List<LoaderBenchmarkRow> Run(string workDir, IReadOnlyList<int> sizes, IReadOnlyList<int> workers,
        int batchSize = 16, int batches = 10, int images = 160, CancellationToken ct = default)
    {
        var rows = new List<LoaderBenchmarkRow>();
        foreach (int size in sizes)
        {
            var result = ShapesDataset.Generate(new ShapesOptions
            {
                OutDir = Path.Combine(workDir, $"shapes{size}"), Train = images, Val = 0, ImgSize = size, Video = false,
            }, ct);
            var def = DatasetDefinition.Load(result.DataYaml);
            var index = LabelIndex.Scan(def, "train", ct: ct);
            foreach (int w in workers)
            {
                using var ds = YoloDataset.ForTraining(index, def.Names, size, batchSize, new AugmentOptions());
                var loader = new Loader(ds, new LoaderOptions { BatchSize = batchSize, Workers = w, Seed = 0 });
                int n = 0, counted = 0;
                var sw = Stopwatch.StartNew();
                foreach (var b in loader.GetBatches(0, ct))
                {
                    using (b) counted += b.Size;
                    if (++n >= batches) break;
                }
                sw.Stop();
                rows.Add(new LoaderBenchmarkRow(size, w, batchSize, counted, sw.Elapsed.TotalSeconds));
            }
        }
        return rows;
    }

    /// <summary>Plain-text table of the rows.</summary>
    public static string Format(IEnumerable<LoaderBenchmarkRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{"imgsz",6} {"workers",8} {"batch",6} {"images",7} {"seconds",8} {"images/s",9}");
        foreach (var r in rows)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.ImgSize,6} {r.Workers,8} {r.BatchSize,6} {r.Images,7} {r.Seconds,8:F2} {r.ImagesPerSecond,9:F1}"));
        return sb.ToString();
    }
}
