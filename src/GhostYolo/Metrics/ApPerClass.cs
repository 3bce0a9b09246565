namespace GhostYolo.Metrics;

/// <summary>
/// Output of <see cref="ApPerClass.Compute"/>, one row per evaluated class (classes that have at least one label),
/// mirroring ultralytics <c>ap_per_class</c>'s return values.
/// </summary>
/// <param name="Classes">Evaluated class indices, ascending.</param>
/// <param name="Instances">Number of labels per evaluated class (nt).</param>
/// <param name="P">Precision per class at the confidence of the best smoothed mean F1.</param>
/// <param name="R">Recall per class at that confidence.</param>
/// <param name="F1">F1 per class at that confidence.</param>
/// <param name="Ap">AP per class and IoU threshold: Ap[c][t], t = 0 → IoU 0.50 … t = 9 → 0.95.</param>
/// <param name="Px">The 1000 confidence (and recall, for the PR curve) sample points linspace(0, 1, 1000).</param>
/// <param name="PCurve">Precision vs confidence per class (IoU 0.5).</param>
/// <param name="RCurve">Recall vs confidence per class (IoU 0.5).</param>
/// <param name="F1Curve">F1 vs confidence per class.</param>
/// <param name="PrCurve">Precision (envelope) vs recall Px per class at IoU 0.5; zeros for classes without predictions.</param>
/// <param name="BestIndex">Index into Px of the maximum of the smoothed mean F1 curve.</param>
public sealed record ApResult(
    int[] Classes, int[] Instances, double[] P, double[] R, double[] F1, double[][] Ap,
    double[] Px, double[][] PCurve, double[][] RCurve, double[][] F1Curve, double[][] PrCurve, int BestIndex)
{
    /// <summary>AP at IoU 0.50 per class.</summary>
    public double[] Ap50 => Ap.Select(a => a[0]).ToArray();

    /// <summary>AP averaged over the IoU thresholds per class (AP50-95).</summary>
    public double[] ApMean => Ap.Select(a => a.Length == 0 ? 0 : a.Average()).ToArray();
}

/// <summary>
/// Per-class average precision over a whole dataset (ultralytics <c>metrics.ap_per_class</c> and <c>compute_ap</c>,
/// identical in yolov5 v7.0): 101-point interpolated AP (trapezoid rule) on the precision envelope, plus P/R/F1
/// curves sampled at 1000 confidences and P/R read at the argmax of the smoothed mean F1.
/// </summary>
internal static class ApPerClass
{
    const double Eps = 1e-16;
    const int CurvePoints = 1000;

    /// <summary>
    /// <paramref name="tp"/>[N, T] true-positive flags per detection and IoU threshold, <paramref name="conf"/>[N],
    /// <paramref name="predClasses"/>[N] for all detections of the dataset; <paramref name="targetClasses"/> for all labels.
    /// Predictions are sorted by descending confidence (stable: equal confidences keep their input order; numpy's
    /// quicksort leaves that unspecified). Classes without predictions keep zeros.
    /// </summary>
    public static ApResult Compute(bool[,] tp, IReadOnlyList<float> conf, IReadOnlyList<int> predClasses, IReadOnlyList<int> targetClasses)
    {
        var n = conf.Count;
        var nt = tp.GetLength(1);
        if (tp.GetLength(0) != n || predClasses.Count != n)
            throw new ArgumentException($"tp ({tp.GetLength(0)} rows), conf ({n}) and predClasses ({predClasses.Count}) must have one entry per detection.");

        var order = Enumerable.Range(0, n).OrderByDescending(i => conf[i]).ToArray();   // LINQ sort is stable
        var counts = targetClasses.GroupBy(c => c).OrderBy(g => g.Key).ToArray();
        var classes = counts.Select(g => g.Key).ToArray();
        var instances = counts.Select(g => g.Count()).ToArray();
        var k = classes.Length;

        var byClass = new Dictionary<int, List<int>>();              // detections per class, in confidence order
        foreach (var i in order)
        {
            if (!byClass.TryGetValue(predClasses[i], out var list)) byClass[predClasses[i]] = list = [];
            list.Add(i);
        }
        var px = NumpyMath.Linspace(0, 1, CurvePoints);
        var negPx = px.Select(v => -v).ToArray();
        var ap = new double[k][];
        var pCurve = new double[k][];
        var rCurve = new double[k][];
        var prCurve = new double[k][];
        for (var ci = 0; ci < k; ci++)
        {
            ap[ci] = new double[nt];
            pCurve[ci] = new double[CurvePoints];
            rCurve[ci] = new double[CurvePoints];
            prCurve[ci] = new double[CurvePoints];
            var idx = byClass.TryGetValue(classes[ci], out var l) ? l : [];
            var nl = instances[ci];
            if (idx.Count == 0 || nl == 0) continue;

            var negConf = idx.Select(i => -(double)conf[i]).ToArray();
            for (var t = 0; t < nt; t++)
            {
                var recall = new double[idx.Count];
                var precision = new double[idx.Count];
                double tpc = 0, fpc = 0;
                for (var m = 0; m < idx.Count; m++)
                {
                    if (tp[idx[m], t]) tpc++; else fpc++;
                    recall[m] = tpc / (nl + Eps);
                    precision[m] = tpc / (tpc + fpc);
                }
                if (t == 0)
                {
                    rCurve[ci] = NumpyMath.Interp(negPx, negConf, recall, left: 0);
                    pCurve[ci] = NumpyMath.Interp(negPx, negConf, precision, left: 1);
                }
                var (a, mpre, mrec) = ComputeApCurves(recall, precision);
                ap[ci][t] = a;
                if (t == 0) prCurve[ci] = NumpyMath.Interp(px, mrec, mpre);
            }
        }

        var f1Curve = new double[k][];
        for (var ci = 0; ci < k; ci++)
        {
            f1Curve[ci] = new double[CurvePoints];
            for (var j = 0; j < CurvePoints; j++)
            {
                double p = pCurve[ci][j], r = rCurve[ci][j];
                f1Curve[ci][j] = 2 * p * r / (p + r + Eps);
            }
        }
        var meanF1 = new double[CurvePoints];
        if (k > 0)
            for (var j = 0; j < CurvePoints; j++) meanF1[j] = f1Curve.Sum(f => f[j]) / k;
        var best = NumpyMath.ArgMax(NumpyMath.Smooth(meanF1, 0.1));

        return new ApResult(classes, instances,
            pCurve.Select(c => c[best]).ToArray(), rCurve.Select(c => c[best]).ToArray(), f1Curve.Select(c => c[best]).ToArray(),
            ap, px, pCurve, rCurve, f1Curve, prCurve, best);
    }

    /// <summary>
    /// ultralytics <c>compute_ap</c>: AP of one recall/precision sequence (sorted by descending confidence):
    /// sentinels (0 → 1 recall, 1 → 0 precision), precision envelope, 101-point interpolation, trapezoid rule.
    /// </summary>
    public static double ComputeAp(IReadOnlyList<double> recall, IReadOnlyList<double> precision) =>
        ComputeApCurves(recall, precision).Ap;

    /// <summary><see cref="ComputeAp"/> that also returns the enveloped precision and the recall with sentinels.</summary>
    public static (double Ap, double[] Mpre, double[] Mrec) ComputeApCurves(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        var m = recall.Count;
        var mrec = new double[m + 2];
        var mpre = new double[m + 2];
        mrec[0] = 0; mpre[0] = 1;
        for (var i = 0; i < m; i++) { mrec[i + 1] = recall[i]; mpre[i + 1] = precision[i]; }
        mrec[m + 1] = 1; mpre[m + 1] = 0;
        for (var i = m; i >= 0; i--) mpre[i] = Math.Max(mpre[i], mpre[i + 1]);
        var x = NumpyMath.Linspace(0, 1, 101);
        var ap = NumpyMath.Trapz(NumpyMath.Interp(x, mrec, mpre), x);
        return (ap, mpre, mrec);
    }
}
