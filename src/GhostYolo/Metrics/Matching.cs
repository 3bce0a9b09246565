namespace GhostYolo.Metrics;

/// <summary>
/// Marks which detections of one image are true positives at each IoU threshold
/// (ultralytics <c>BaseValidator.match_predictions</c>, non-scipy path; yolov5 <c>process_batch</c> is the same).
/// </summary>
internal static class Matching
{
    /// <summary>
    /// The ten COCO thresholds 0.50:0.05:0.95 as the float32 values of <c>torch.linspace(0.5, 0.95, 10)</c>
    /// (first half start + step·i, second half end − step·(n−1−i), step computed in float32).
    /// </summary>
    public static IReadOnlyList<float> IouThresholds { get; } = TorchLinspace(0.5f, 0.95f, 10);

    static float[] TorchLinspace(float start, float end, int steps)
    {
        var step = (end - start) / (steps - 1);
        var v = new float[steps];
        for (var i = 0; i < steps; i++) v[i] = i < steps / 2 ? start + step * i : end - step * (steps - i - 1);
        return v;
    }

    /// <summary>
    /// Returns correct[D, T]. <paramref name="iou"/> is the flat (L·D) label × detection IoU matrix.
    /// Per threshold t: pairs with IoU ≥ t and equal classes; each detection takes its best-IoU label
    /// (exact IoU ties: the higher label index, as numpy's reversed argsort does on small arrays); then each label is
    /// kept by its <b>lowest-index</b> detection among those that chose it (ultralytics keeps the first occurrence in
    /// detection order; the IoU re-sort is commented out upstream). A detection whose chosen label went to an earlier
    /// detection is a false positive even if it overlaps another label.
    /// </summary>
    public static bool[,] MatchPredictions(ReadOnlySpan<float> iou, IReadOnlyList<int> gtClasses,
        IReadOnlyList<int> predClasses, IReadOnlyList<float>? thresholds = null)
    {
        var th = thresholds ?? IouThresholds;
        int nl = gtClasses.Count, nd = predClasses.Count;
        if (iou.Length != nl * nd) throw new ArgumentException($"iou has {iou.Length} values, expected {nl}×{nd}.", nameof(iou));
        var correct = new bool[nd, th.Count];
        if (nl == 0 || nd == 0) return correct;

        var bestLabel = new int[nd];
        var owner = new int[nl];
        for (var t = 0; t < th.Count; t++)
        {
            var thr = th[t];
            for (var d = 0; d < nd; d++)
            {
                bestLabel[d] = -1;
                var best = float.NegativeInfinity;
                for (var l = 0; l < nl; l++)
                {
                    var v = gtClasses[l] == predClasses[d] ? iou[l * nd + d] : 0f;   // iou * correct_class
                    if (v >= thr && v >= best) { best = v; bestLabel[d] = l; }
                }
            }
            Array.Fill(owner, -1);
            for (var d = 0; d < nd; d++)
            {
                var l = bestLabel[d];
                if (l >= 0 && owner[l] < 0) owner[l] = d;               // detections visited in ascending order
            }
            foreach (var d in owner) if (d >= 0) correct[d, t] = true;
        }
        return correct;
    }

    /// <summary>
    /// Convenience overload on flat xyxy arrays (labels L·4, detections D·4), IoU computed with <see cref="BoxOps"/>.
    /// </summary>
    public static bool[,] MatchBoxes(ReadOnlySpan<float> predBoxes, IReadOnlyList<int> predClasses,
        ReadOnlySpan<float> gtBoxes, IReadOnlyList<int> gtClasses, IReadOnlyList<float>? thresholds = null) =>
        MatchPredictions(BoxOps.BoxIou(gtBoxes, predBoxes), gtClasses, predClasses, thresholds);
}
