namespace GhostYolo.Metrics;

/// <summary>
/// The greedy pass of torchvision <c>ops.nms</c> on plain arrays: walk rows in descending score order and keep a
/// row unless a kept row of the same class (after ultralytics' class offset) overlaps it with IoU &gt; threshold.
/// </summary>
/// <remarks>
/// "Check each candidate against the kept rows" gives exactly torchvision's "each kept row suppresses the later
/// rows" result, but it can stop once MaxDet rows are kept and never builds an n×n IoU matrix. Kept rows are
/// bucketed per class when the offset provably separates classes, so a candidate only meets its own class.
/// IoU arithmetic is float32 on offset boxes with torchvision's formula (no eps), for parity.
/// </remarks>
internal static class GreedyNms
{
    /// <summary>
    /// <paramref name="rows"/>: n×6 row-major [x1, y1, x2, y2, score, class], already sorted by descending score.
    /// <paramref name="classOffset"/>: ultralytics <c>max_wh</c> (0 = class-agnostic).
    /// Writes kept row indices (ascending = descending score) into <paramref name="keep"/>, at most its length;
    /// returns how many were written.
    /// </summary>
    public static int Run(ReadOnlySpan<float> rows, double iouThreshold, float classOffset, Span<int> keep)
    {
        var n = rows.Length / 6;
        if (n == 0 || keep.Length == 0) return 0;

        // Offset boxes and areas exactly as ultralytics + torchvision compute them (float32).
        var x1 = new float[n]; var y1 = new float[n]; var x2 = new float[n]; var y2 = new float[n];
        var area = new float[n];
        var bucket = new int[n];
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        var maxClass = 0;
        for (var i = 0; i < n; i++)
        {
            var r = rows.Slice(i * 6, 6);
            var c = (int)r[5];
            var off = r[5] * classOffset;
            x1[i] = r[0] + off; y1[i] = r[1] + off; x2[i] = r[2] + off; y2[i] = r[3] + off;
            area[i] = (x2[i] - x1[i]) * (y2[i] - y1[i]);
            bucket[i] = c;
            maxClass = Math.Max(maxClass, c);
            lo = Math.Min(lo, Math.Min(Math.Min(r[0], r[1]), Math.Min(r[2], r[3])));
            hi = Math.Max(hi, Math.Max(Math.Max(r[0], r[1]), Math.Max(r[2], r[3])));
        }

        // Per-class buckets are exact only if all coordinates span less than the offset (then offset classes cannot
        // overlap; the 1 px margin covers float32 rounding of the offsets); otherwise compare with every kept row.
        var perClass = classOffset > 0 && hi - lo + 1f < classOffset;
        var heads = new int[perClass ? maxClass + 1 : 1];
        Array.Fill(heads, -1);
        var next = new int[n];
        var kept = 0;
        for (var j = 0; j < n && kept < keep.Length; j++)
        {
            var b = perClass ? bucket[j] : 0;
            float jx1 = x1[j], jy1 = y1[j], jx2 = x2[j], jy2 = y2[j], ja = area[j];
            var suppressed = false;
            for (var i = heads[b]; i >= 0; i = next[i])
            {
                var w = Math.Max(0f, Math.Min(x2[i], jx2) - Math.Max(x1[i], jx1));
                var h = Math.Max(0f, Math.Min(y2[i], jy2) - Math.Max(y1[i], jy1));
                var inter = w * h;
                var iou = inter / (area[i] + ja - inter);             // NaN for two empty boxes → not suppressed, as torchvision
                if (iou > iouThreshold) { suppressed = true; break; }
            }
            if (suppressed) continue;
            keep[kept++] = j;
            next[j] = heads[b];
            heads[b] = j;
        }
        return kept;
    }
}
