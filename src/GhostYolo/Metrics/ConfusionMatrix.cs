using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>
/// Detection confusion matrix (ultralytics <c>metrics.ConfusionMatrix</c>, task detect; same in yolov5):
/// (nc+1)×(nc+1), rows = predicted class, columns = true class, index nc = background.
/// Matching is class-agnostic: a pair needs IoU &gt; <see cref="IouThreshold"/>, detections need conf &gt; <see cref="Conf"/>.
/// </summary>
internal sealed class ConfusionMatrix
{
    /// <summary>Creates an all-zero matrix. Validation's conf 0.001 is replaced by 0.25 upstream, hence the default.</summary>
    public ConfusionMatrix(int nc, double conf = 0.25, double iouThreshold = 0.45)
    {
        if (nc < 1) throw new ArgumentOutOfRangeException(nameof(nc), "nc must be at least 1.");
        Nc = nc;
        Conf = conf;
        IouThreshold = iouThreshold;
        Matrix = new double[nc + 1, nc + 1];
    }

    /// <summary>Number of classes (the matrix is one larger for background).</summary>
    public int Nc { get; }

    /// <summary>Detections at or below this confidence are ignored.</summary>
    public double Conf { get; }

    /// <summary>A (label, detection) pair matches when IoU is strictly above this.</summary>
    public double IouThreshold { get; }

    /// <summary>Counts: Matrix[predicted, true]; row/column <see cref="Nc"/> is background.</summary>
    public double[,] Matrix { get; }

    /// <summary>Tensor form of <see cref="ProcessBatch(ReadOnlySpan{float}, IReadOnlyList{int}, ReadOnlySpan{float})"/>.</summary>
    public void ProcessBatch(Tensor? detections, Tensor gtClasses, Tensor gtBoxes)
    {
        using var scope = NewDisposeScope();
        var det = detections is null ? [] : TensorData.ToFloats(detections);
        var cls = TensorData.ToInts(gtClasses);
        var boxes = TensorData.ToFloats(gtBoxes);
        ProcessBatch(det, cls, boxes);
    }

    /// <summary>
    /// Adds one image: <paramref name="detections"/> flat n·6 (x1, y1, x2, y2, conf, class), labels as classes plus flat L·4
    /// xyxy boxes, all in the same pixel space. Unmatched detections count as background false positives only when at
    /// least one pair in the image matched (ultralytics' behaviour).
    /// </summary>
    public void ProcessBatch(ReadOnlySpan<float> detections, IReadOnlyList<int> gtClasses, ReadOnlySpan<float> gtBoxes)
    {
        // keep detections with conf > Conf
        var kept = new List<int>();
        for (var i = 0; i < detections.Length / 6; i++) if (detections[i * 6 + 4] > Conf) kept.Add(i);
        var detCls = new int[kept.Count];
        for (var k = 0; k < kept.Count; k++) detCls[k] = (int)detections[kept[k] * 6 + 5];

        if (gtClasses.Count == 0)
        {
            foreach (var dc in detCls) Matrix[dc, Nc] += 1;   // false positives
            return;
        }
        if (kept.Count == 0)
        {
            foreach (var gc in gtClasses) Matrix[Nc, gc] += 1;   // missed labels
            return;
        }

        var detBoxes = new float[kept.Count * 4];
        for (var k = 0; k < kept.Count; k++) detections.Slice(kept[k] * 6, 4).CopyTo(detBoxes.AsSpan(k * 4, 4));
        var nd = kept.Count;
        var iou = BoxOps.BoxIou(gtBoxes, detBoxes);                      // (L·D)
        var pairs = new List<(int Label, int Det, float Iou)>();
        for (var l = 0; l < gtClasses.Count; l++)
            for (var d = 0; d < nd; d++)
                if (iou[l * nd + d] > IouThreshold) pairs.Add((l, d, iou[l * nd + d]));

        if (pairs.Count > 1)
        {
            // sort by IoU descending, first per detection; sort by IoU descending again, first per label.
            // Exact IoU ties: later pairs first, as numpy's reversed argsort does on small arrays.
            pairs = ByIouDescending(pairs).GroupBy(p => p.Det).Select(g => g.First()).OrderBy(p => p.Det).ToList();
            pairs = ByIouDescending(pairs).GroupBy(p => p.Label).Select(g => g.First()).OrderBy(p => p.Label).ToList();
        }

        var anyMatch = pairs.Count > 0;
        for (var l = 0; l < gtClasses.Count; l++)
        {
            var m = pairs.Where(p => p.Label == l).ToList();
            if (anyMatch && m.Count == 1) Matrix[detCls[m[0].Det], gtClasses[l]] += 1;   // correct or wrong class
            else Matrix[Nc, gtClasses[l]] += 1;                                             // missed
        }
        if (!anyMatch) return;
        for (var d = 0; d < nd; d++)
            if (!pairs.Any(p => p.Det == d)) Matrix[detCls[d], Nc] += 1;                  // background FP
    }

    static IEnumerable<(int Label, int Det, float Iou)> ByIouDescending(List<(int Label, int Det, float Iou)> pairs) =>
        Enumerable.Range(0, pairs.Count).OrderBy(i => pairs[i].Iou).Reverse().Select(i => pairs[i]);

    /// <summary>Column-normalised copy (each true class sums to 1), divided by column sum + 1e-9 as ultralytics' plot.</summary>
    public double[,] Normalized()
    {
        var n = Nc + 1;
        var res = new double[n, n];
        for (var c = 0; c < n; c++)
        {
            var s = 0.0;
            for (var r = 0; r < n; r++) s += Matrix[r, c];
            for (var r = 0; r < n; r++) res[r, c] = Matrix[r, c] / (s + 1e-9);
        }
        return res;
    }

    /// <summary>True positives (diagonal) and false positives (row sum − diagonal) per class, background excluded (<c>tp_fp</c>).</summary>
    public (double[] Tp, double[] Fp) TruePositivesFalsePositives()
    {
        var tp = new double[Nc];
        var fp = new double[Nc];
        for (var c = 0; c < Nc; c++)
        {
            tp[c] = Matrix[c, c];
            var row = 0.0;
            for (var k = 0; k <= Nc; k++) row += Matrix[c, k];
            fp[c] = row - tp[c];
        }
        return (tp, fp);
    }
}
