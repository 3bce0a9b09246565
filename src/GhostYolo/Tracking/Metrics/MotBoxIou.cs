namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// IoU between MOT boxes (top-left x, y, width, height), with TrackEval's <c>_calculate_box_ious</c> guards: a box
/// of area ≤ machine epsilon, or a union ≤ epsilon, overlaps nothing (IoU 0) rather than dividing by zero.
/// </summary>
internal static class MotBoxIou
{
    /// <summary>IoU of every ground-truth box (rows) with every tracker box (columns).</summary>
    public static double[,] Matrix(IReadOnlyList<MotRow> gt, IReadOnlyList<MotRow> tracker)
    {
        var iou = new double[gt.Count, tracker.Count];
        for (var i = 0; i < gt.Count; i++)
            for (var j = 0; j < tracker.Count; j++)
                iou[i, j] = Iou(gt[i], tracker[j]);
        return iou;
    }

    /// <summary>IoU of two boxes.</summary>
    public static double Iou(MotRow a, MotRow b)
    {
        // Corners first, then areas from the corners, as the reference computes them, so that similarities agree
        // to the last bit and the 0.5 threshold decides borderline pairs the same way.
        double ax1 = a.X + a.W, ay1 = a.Y + a.H, bx1 = b.X + b.W, by1 = b.Y + b.H;
        var inter = Math.Max(Math.Min(ax1, bx1) - Math.Max(a.X, b.X), 0) * Math.Max(Math.Min(ay1, by1) - Math.Max(a.Y, b.Y), 0);
        var areaA = (ax1 - a.X) * (ay1 - a.Y);
        var areaB = (bx1 - b.X) * (by1 - b.Y);
        var union = areaA + areaB - inter;
        const double eps = MachineEpsilon.Value;
        if (areaA <= eps || areaB <= eps || union <= eps) return 0;
        return inter / union;
    }
}
