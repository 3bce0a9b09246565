namespace GhostYolo.Metrics;

/// <summary>
/// Options of <see cref="Nms.NonMaxSuppression"/>; defaults equal ultralytics <c>ops.non_max_suppression</c>
/// (callers pass their own conf/iou: val 0.001/0.7, predict 0.25/0.7, v5 val 0.001/0.6).
/// </summary>
/// <param name="Conf">Confidence threshold; a candidate needs score &gt; Conf.</param>
/// <param name="Iou">IoU threshold; a box is suppressed when its IoU with a kept box is &gt; Iou.</param>
/// <param name="MaxDet">Maximum detections kept per image.</param>
/// <param name="MaxNms">Maximum rows entering the greedy pass (top by score).</param>
/// <param name="MaxWh">Per-class coordinate offset that keeps classes apart (0 when agnostic).</param>
/// <param name="Agnostic">Suppress across classes.</param>
/// <param name="MultiLabel">One row per (box, class) above Conf; only honoured when nc &gt; 1 (validation uses it).</param>
/// <param name="Classes">Keep only these class indices (null = all).</param>
internal sealed record NmsOptions(
    double Conf = 0.25,
    double Iou = 0.45,
    int MaxDet = 300,
    int MaxNms = 30000,
    double MaxWh = 7680,
    bool Agnostic = false,
    bool MultiLabel = false,
    IReadOnlyList<int>? Classes = null);
