using System.Diagnostics;
using GhostYolo.Metrics;
using static TorchSharp.torch;

namespace GhostYolo.Benchmarks;

/// <summary>Timings of one NMS setting: whole <see cref="Nms.NonMaxSuppression"/> and the greedy pass alone (medians).</summary>
/// <param name="Setting">Human-readable name (e.g. "val conf 0.001 iou 0.7 multi-label").</param>
/// <param name="Candidates">Rows above the confidence threshold (before the MaxNms cap).</param>
/// <param name="GreedyRows">Rows entering the greedy pass (after the MaxNms cap).</param>
/// <param name="Kept">Detections returned.</param>
/// <param name="TotalMs">Median milliseconds of the full call (candidate selection, sort, greedy pass, gather).</param>
/// <param name="GreedyMs">Median milliseconds of <see cref="GreedyNms.Run"/> on the already sorted rows.</param>
internal sealed record NmsBenchmarkResult(string Setting, int Candidates, int GreedyRows, int Kept, double TotalMs, double GreedyMs);

/// <summary>
/// Times NMS on a synthetic but realistic v8 output (1, 4+80, 8400): boxes clustered on a few dozen objects (so there
/// is real suppression) plus background anchors; low class scores everywhere (many pass conf 0.001) and one
/// confident class on object anchors (many pass 0.25). Not a test: it returns numbers for the benchmark command.
/// </summary>
internal static class NmsBenchmark
{
    /// <summary>Builds the synthetic (1, 4+nc, anchors) prediction with a seeded generator.</summary>
    public static Tensor SyntheticV8Output(int seed = 0, int nc = 80, int anchors = 8400, int objects = 40, int imgsz = 640)
    {
        var rng = new Random(seed);
        var objs = Enumerable.Range(0, objects).Select(_ => (
            Cx: rng.NextDouble() * imgsz, Cy: rng.NextDouble() * imgsz,
            W: 20 + rng.NextDouble() * 200, H: 20 + rng.NextDouble() * 200, Cls: rng.Next(nc))).ToArray();
        var data = new float[(4 + nc) * anchors];
        for (var a = 0; a < anchors; a++)
        {
            double cx, cy, w, h;
            var onObject = rng.NextDouble() < 0.5;
            var o = objs[rng.Next(objects)];
            if (onObject)
            {
                cx = o.Cx + (rng.NextDouble() - 0.5) * 0.2 * o.W; cy = o.Cy + (rng.NextDouble() - 0.5) * 0.2 * o.H;
                w = o.W * (0.85 + 0.3 * rng.NextDouble()); h = o.H * (0.85 + 0.3 * rng.NextDouble());
            }
            else
            {
                cx = rng.NextDouble() * imgsz; cy = rng.NextDouble() * imgsz;
                w = 5 + rng.NextDouble() * 150; h = 5 + rng.NextDouble() * 150;
            }
            data[a] = (float)cx; data[anchors + a] = (float)cy; data[2 * anchors + a] = (float)w; data[3 * anchors + a] = (float)h;
            for (var c = 0; c < nc; c++)
            {
                var u = rng.NextDouble();
                data[(4 + c) * anchors + a] = (float)(u * u * u * u * 0.01);   // ~44 % above 0.001
            }
            if (onObject) data[(4 + o.Cls) * anchors + a] = (float)(0.2 + 0.75 * rng.NextDouble());
        }
        return tensor(data).reshape(1, 4 + nc, anchors);
    }

    /// <summary>
    /// Runs both settings (validation: conf 0.001, iou 0.7, multi-label; predict: conf 0.25, iou 0.7) and returns
    /// median timings over <paramref name="runs"/> runs after <paramref name="warmup"/> unmeasured runs.
    /// </summary>
    public static IReadOnlyList<NmsBenchmarkResult> Run(int runs = 30, int warmup = 5, int seed = 0, CancellationToken cancellationToken = default)
    {
        using var pred = SyntheticV8Output(seed);
        NmsOptions[] settings =
        [
            new(Conf: 0.001, Iou: 0.7, MultiLabel: true),
            new(Conf: 0.25, Iou: 0.7),
        ];
        string[] names = ["val conf 0.001 iou 0.7 multi-label", "predict conf 0.25 iou 0.7"];
        var results = new List<NmsBenchmarkResult>();
        for (var s = 0; s < settings.Length; s++)
        {
            var o = settings[s];
            int candidates, kept;
            float[] img;
            using (var p0 = pred[0].contiguous()) img = p0.data<float>().ToArray();
            var sortedRows = NmsCandidates.Select(img, (int)pred.shape[1], (int)pred.shape[2], o, out _, out candidates);
            var keep = new int[o.MaxDet];
            var total = new List<double>();
            var greedy = new List<double>();
            kept = 0;
            for (var i = 0; i < warmup + runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sw = Stopwatch.StartNew();
                var outs = Nms.NonMaxSuppression(pred, o);
                sw.Stop();
                kept = (int)outs[0].shape[0];
                foreach (var t in outs) t.Dispose();
                var sw2 = Stopwatch.StartNew();
                GreedyNms.Run(sortedRows, o.Iou, (float)o.MaxWh, keep);
                sw2.Stop();
                if (i < warmup) continue;
                total.Add(sw.Elapsed.TotalMilliseconds);
                greedy.Add(sw2.Elapsed.TotalMilliseconds);
            }
            results.Add(new NmsBenchmarkResult(names[s], candidates, sortedRows.Length / 6, kept, Median(total), Median(greedy)));
        }
        return results;
    }

    static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
