using GhostYolo.Metrics;
using GhostYolo.Visual;

namespace GhostYolo.Tests.Metrics;

public class ChartsTests
{
    // A small 3-class dataset with a mix of hits, misses, wrong classes and background detections.
    static (DetectionMetricsResult Result, ConfusionMatrix Matrix) Sample()
    {
        var rng = new Random(11);
        var metrics = new DetectionMetrics(3);
        var cm = new ConfusionMatrix(3);
        for (var img = 0; img < 30; img++)
        {
            var nl = rng.Next(1, 5);
            var cls = Enumerable.Range(0, nl).Select(_ => rng.Next(3)).ToArray();
            var boxes = new float[nl * 4];
            var preds = new List<float>();
            for (var l = 0; l < nl; l++)
            {
                float x = rng.Next(0, 500), y = rng.Next(0, 500);
                boxes[l * 4] = x; boxes[l * 4 + 1] = y; boxes[l * 4 + 2] = x + 60; boxes[l * 4 + 3] = y + 60;
                if (rng.NextDouble() < 0.8)
                    preds.AddRange([x + rng.Next(-8, 9), y + rng.Next(-8, 9), x + 60, y + 60, (float)(0.3 + 0.7 * rng.NextDouble()), rng.NextDouble() < 0.9 ? cls[l] : rng.Next(3)]);
            }
            preds.AddRange([rng.Next(0, 500), rng.Next(0, 500), 560, 560, (float)(0.6 * rng.NextDouble()), rng.Next(3)]);
            var sorted = Enumerable.Range(0, preds.Count / 6).OrderByDescending(i => preds[i * 6 + 4]).SelectMany(i => preds.Skip(i * 6).Take(6)).ToArray();
            metrics.Update(sorted, cls, boxes);
            cm.ProcessBatch(sorted, cls, boxes);
        }
        return (metrics.Compute(), cm);
    }

    [Fact]
    public void CurvesAndConfusionMatrix_WritePngs()
    {
        var (result, cm) = Sample();
        Assert.NotNull(result.Curves);
        var dir = Path.Combine(Path.GetTempPath(), $"ghostyolo-charts-{Guid.NewGuid():N}");
        try
        {
            string[] names = ["person", "car", "dog"];
            var files = Charts.WriteAll(dir, result.Curves!, names).Concat(ConfusionMatrixPlot.WriteBoth(dir, cm, names)).ToList();
            Assert.Equal(["PR_curve.png", "F1_curve.png", "P_curve.png", "R_curve.png", "confusion_matrix.png", "confusion_matrix_normalized.png"],
                files.Select(Path.GetFileName));
            foreach (var f in files)
            {
                var bytes = File.ReadAllBytes(f);
                Assert.True(bytes.Length > 20_000, $"{f} is only {bytes.Length} bytes");
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
