using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>
/// Anchor-point helpers of the anchor-free v8 head, mirroring ultralytics <c>utils.tal.make_anchors</c>,
/// <c>dist2bbox</c> and <c>bbox2dist</c>.
/// </summary>
internal static class TalOps
{
    /// <summary>
    /// Anchor centres in grid units (cell + <paramref name="offset"/>) for each level, row-major (y then x), levels concatenated,
    /// plus each anchor's stride. Returns (A, 2) xy points and (A, 1) strides in the dtype/device of <paramref name="feats"/>[0].
    /// </summary>
    public static (Tensor Anchors, Tensor Strides) MakeAnchors(IReadOnlyList<Tensor> feats, IReadOnlyList<double> strides, double offset = 0.5)
    {
        if (feats.Count != strides.Count)
            throw new ArgumentException($"MakeAnchors got {feats.Count} feature maps but {strides.Count} strides; pass one stride per detection level.");
        using var scope = NewDisposeScope();
        var dtype = feats[0].dtype;
        var device = feats[0].device;
        var points = new List<Tensor>();
        var strideCols = new List<Tensor>();
        for (int i = 0; i < feats.Count; i++)
        {
            long h = feats[i].shape[2], w = feats[i].shape[3];
            var sx = arange(w, dtype: dtype, device: device) + offset;
            var sy = arange(h, dtype: dtype, device: device) + offset;
            var grid = meshgrid([sy, sx], indexing: "ij");                  // 2 × (h, w)
            points.Add(stack([grid[1], grid[0]], -1).view(-1, 2));          // (h*w, 2) as (x, y)
            strideCols.Add(full(h * w, 1, strides[i], dtype: dtype, device: device));
        }
        return (cat(points, 0).MoveToOuterDisposeScope(), cat(strideCols, 0).MoveToOuterDisposeScope());
    }

    /// <summary>(…, 4) ltrb distances from anchor points (…, 2) → xyxy boxes (or xywh when <paramref name="xywh"/>).</summary>
    public static Tensor Dist2Bbox(Tensor distance, Tensor anchorPoints, bool xywh = false)
    {
        using var scope = NewDisposeScope();
        var parts = distance.chunk(2, -1);   // lt, rb
        var x1y1 = anchorPoints - parts[0];
        var x2y2 = anchorPoints + parts[1];
        var result = xywh ? cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], -1) : cat([x1y1, x2y2], -1);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// xyxy boxes (…, 4) → ltrb distances from anchor points, clamped to [0, <paramref name="regMax"/> − 0.01]
    /// (the reference passes reg_max − 1 = 15 here, so the upper bound is 14.99).
    /// </summary>
    public static Tensor Bbox2Dist(Tensor anchorPoints, Tensor bbox, double regMax)
    {
        using var scope = NewDisposeScope();
        var parts = bbox.chunk(2, -1);   // x1y1, x2y2
        var d = cat([anchorPoints - parts[0], parts[1] - anchorPoints], -1).clamp(0, regMax - 0.01);
        return d.MoveToOuterDisposeScope();
    }
}
