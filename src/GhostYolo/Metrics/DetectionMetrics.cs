using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>One per-class line of the validation table (ultralytics <c>DetectionValidator.print_results</c>).</summary>
/// <param name="Class">The class id.</param>
/// <param name="Images">Validation images with at least one label of this class.</param>
/// <param name="Instances">Labels of this class.</param>
/// <param name="P">Precision at the confidence of the best mean F1.</param>
/// <param name="R">Recall at that confidence.</param>
/// <param name="Ap50">AP at IoU 0.50.</param>
/// <param name="Ap">AP averaged over IoU 0.50:0.95.</param>
public sealed record ClassMetrics(int Class, int Images, int Instances, double P, double R, double Ap50, double Ap);

/// <summary>
/// Dataset-level detection metrics (ultralytics <c>DetMetrics</c>): mean precision/recall at the best-F1 confidence,
/// mAP@0.5, mAP@0.75, mAP@0.5:0.95 and fitness = 0.1·mAP50 + 0.9·mAP50-95.
/// </summary>
/// <param name="Maps">Per-class AP50-95 for every class 0..nc−1; classes that were not evaluated get the overall mAP.</param>
/// <param name="Curves">P/R/F1/PR curves for plotting; null when no detection was a true positive.</param>
/// <param name="Precision">Mean precision over the evaluated classes.</param>
/// <param name="Recall">Mean recall over the evaluated classes.</param>
/// <param name="Map50">mAP at IoU 0.50.</param>
/// <param name="Map75">mAP at IoU 0.75.</param>
/// <param name="Map">mAP at IoU 0.50:0.95.</param>
/// <param name="Fitness">0.1 · mAP50 + 0.9 · mAP50-95 (how ultralytics picks the best epoch).</param>
/// <param name="PerClass">One row per class with at least one label, ascending.</param>
/// <param name="Images">Images validated.</param>
/// <param name="Instances">Labels in those images.</param>
public sealed record DetectionMetricsResult(
    double Precision, double Recall, double Map50, double Map75, double Map, double Fitness,
    IReadOnlyList<ClassMetrics> PerClass, double[] Maps, ApResult? Curves, int Images, int Instances);

/// <summary>
/// Accumulates per-image statistics during validation (ultralytics <c>DetectionValidator.update_metrics</c>) and turns
/// them into <see cref="DetectionMetricsResult"/> (<c>get_stats</c> + <c>DetMetrics.process</c>).
/// Predictions and labels are both in original-image pixels (see <see cref="BoxScaling.ScaleBoxes"/>).
/// </summary>
internal sealed class DetectionMetrics
{
    readonly int _nc;
    readonly List<bool[]> _tp = [];
    readonly List<float> _conf = [];
    readonly List<int> _predCls = [];
    readonly List<int> _targetCls = [];
    readonly int[] _imagesWithClass;
    readonly int _niou;

    /// <summary>Creates an empty accumulator for <paramref name="nc"/> classes.</summary>
    public DetectionMetrics(int nc, IReadOnlyList<float>? iouThresholds = null)
    {
        if (nc < 1) throw new ArgumentOutOfRangeException(nameof(nc), "nc must be at least 1.");
        _nc = nc;
        IouThresholds = iouThresholds ?? Matching.IouThresholds;
        _niou = IouThresholds.Count;
        _imagesWithClass = new int[nc];
    }

    /// <summary>IoU thresholds of the tp columns (0.50:0.05:0.95 by default).</summary>
    public IReadOnlyList<float> IouThresholds { get; }

    /// <summary>Number of images passed to <see cref="Update(Tensor, Tensor, Tensor)"/> so far.</summary>
    public int ImagesSeen { get; private set; }

    /// <summary>
    /// Adds one image. <paramref name="predictions"/>: (n, 6) x1, y1, x2, y2, score, class (NMS output scaled to the
    /// original image); <paramref name="gtClasses"/>: (L) class indices; <paramref name="gtBoxes"/>: (L, 4) xyxy pixels.
    /// </summary>
    public void Update(Tensor predictions, Tensor gtClasses, Tensor gtBoxes)
    {
        using var scope = NewDisposeScope();
        var pred = TensorData.ToFloats(predictions);
        var cls = TensorData.ToInts(gtClasses);
        var boxes = TensorData.ToFloats(gtBoxes);
        Update(pred, cls, boxes);
    }

    /// <summary>
    /// Array form of <see cref="Update(Tensor, Tensor, Tensor)"/>: <paramref name="predictions"/> flat n·6,
    /// <paramref name="gtBoxes"/> flat L·4.
    /// </summary>
    public void Update(ReadOnlySpan<float> predictions, IReadOnlyList<int> gtClasses, ReadOnlySpan<float> gtBoxes)
    {
        if (predictions.Length % 6 != 0) throw new ArgumentException("predictions must be n×6 (x1, y1, x2, y2, score, class).", nameof(predictions));
        if (gtBoxes.Length != gtClasses.Count * 4) throw new ArgumentException($"gtBoxes has {gtBoxes.Length} values for {gtClasses.Count} labels.", nameof(gtBoxes));
        foreach (var c in gtClasses)
            if (c < 0 || c >= _nc) throw new ArgumentOutOfRangeException(nameof(gtClasses), $"label class {c} is outside 0..{_nc - 1}.");

        ImagesSeen++;
        var npr = predictions.Length / 6;
        var nl = gtClasses.Count;
        foreach (var c in gtClasses.Distinct()) _imagesWithClass[c]++;
        _targetCls.AddRange(gtClasses);
        if (npr == 0) return;   // labels (if any) already count as misses

        var predBoxes = new float[npr * 4];
        var predCls = new int[npr];
        for (var i = 0; i < npr; i++)
        {
            predictions.Slice(i * 6, 4).CopyTo(predBoxes.AsSpan(i * 4, 4));
            _conf.Add(predictions[i * 6 + 4]);
            predCls[i] = (int)predictions[i * 6 + 5];
        }
        _predCls.AddRange(predCls);
        var correct = nl > 0
            ? Matching.MatchBoxes(predBoxes, predCls, gtBoxes, gtClasses, IouThresholds)
            : new bool[npr, _niou];
        for (var i = 0; i < npr; i++)
        {
            var row = new bool[_niou];
            for (var t = 0; t < _niou; t++) row[t] = correct[i, t];
            _tp.Add(row);
        }
    }

    /// <summary>Computes the metrics over everything added so far (zeros if no detection is a true positive).</summary>
    public DetectionMetricsResult Compute()
    {
        var instancesPerClass = new int[_nc];
        foreach (var c in _targetCls) instancesPerClass[c]++;
        var anyTp = _tp.Any(r => r.Any(v => v));
        if (!anyTp)
        {
            var zeroRows = Enumerable.Range(0, _nc).Where(c => instancesPerClass[c] > 0)
                .Select(c => new ClassMetrics(c, _imagesWithClass[c], instancesPerClass[c], 0, 0, 0, 0)).ToList();
            return new DetectionMetricsResult(0, 0, 0, 0, 0, 0, zeroRows, new double[_nc], null, ImagesSeen, _targetCls.Count);
        }

        var tp = new bool[_tp.Count, _niou];
        for (var i = 0; i < _tp.Count; i++)
            for (var t = 0; t < _niou; t++) tp[i, t] = _tp[i][t];
        var r = ApPerClass.Compute(tp, _conf, _predCls, _targetCls);

        var ap50 = r.Ap50;
        var apMean = r.ApMean;
        double mp = r.P.Average(), mr = r.R.Average(), map50 = ap50.Average();
        var map75 = r.Ap.Average(a => a.Length > 5 ? a[5] : 0);
        var map = r.Ap.SelectMany(a => a).Average();
        var rows = r.Classes.Select((c, i) =>
            new ClassMetrics(c, _imagesWithClass[c], instancesPerClass[c], r.P[i], r.R[i], ap50[i], apMean[i])).ToList();
        var maps = Enumerable.Repeat(map, _nc).ToArray();
        for (var i = 0; i < r.Classes.Length; i++) maps[r.Classes[i]] = apMean[i];
        return new DetectionMetricsResult(mp, mr, map50, map75, map, Fitness(map50, map), rows, maps, r, ImagesSeen, _targetCls.Count);
    }

    /// <summary>ultralytics/yolov5 fitness: weights [P 0, R 0, mAP50 0.1, mAP50-95 0.9].</summary>
    public static double Fitness(double map50, double map) => 0.1 * map50 + 0.9 * map;
}
