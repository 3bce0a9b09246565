using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>Box format conversions and pairwise IoU (ultralytics <c>ops.xywh2xyxy</c>, <c>metrics.box_iou</c>).</summary>
internal static class BoxOps
{
    /// <summary>(…, 4) centre-x, centre-y, w, h → x1, y1, x2, y2.</summary>
    public static Tensor XywhToXyxy(Tensor b)
    {
        var xy = b[TensorIndex.Ellipsis, ..2];
        var half = b[TensorIndex.Ellipsis, 2..4] / 2;
        return cat([xy - half, xy + half], -1);
    }

    /// <summary>(…, 4) x1, y1, x2, y2 → centre-x, centre-y, w, h.</summary>
    public static Tensor XyxyToXywh(Tensor b)
    {
        var p1 = b[TensorIndex.Ellipsis, ..2];
        var p2 = b[TensorIndex.Ellipsis, 2..4];
        return cat([(p1 + p2) / 2, p2 - p1], -1);
    }

    /// <summary>Pairwise IoU of (N,4) and (M,4) xyxy boxes → (N,M), in float32, eps 1e-7 (ultralytics <c>box_iou</c>).</summary>
    public static Tensor BoxIou(Tensor box1, Tensor box2, double eps = 1e-7)
    {
        using var scope = NewDisposeScope();
        var a = box1.to_type(ScalarType.Float32).unsqueeze(1);   // (N,1,4)
        var b = box2.to_type(ScalarType.Float32).unsqueeze(0);   // (1,M,4)
        var lt = maximum(a[TensorIndex.Ellipsis, ..2], b[TensorIndex.Ellipsis, ..2]);
        var rb = minimum(a[TensorIndex.Ellipsis, 2..], b[TensorIndex.Ellipsis, 2..]);
        var inter = (rb - lt).clamp_min(0).prod(-1);              // (N,M)
        var area1 = (a[TensorIndex.Ellipsis, 2] - a[TensorIndex.Ellipsis, 0]) * (a[TensorIndex.Ellipsis, 3] - a[TensorIndex.Ellipsis, 1]);
        var area2 = (b[TensorIndex.Ellipsis, 2] - b[TensorIndex.Ellipsis, 0]) * (b[TensorIndex.Ellipsis, 3] - b[TensorIndex.Ellipsis, 1]);
        return (inter / (area1 + area2 - inter + eps)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pairwise IoU of flat row-major (N·4) and (M·4) xyxy float arrays → flat (N·M), with the same float32 arithmetic
    /// order as <see cref="BoxIou(Tensor, Tensor, double)"/>: inter / (area1 + area2 − inter + eps).
    /// </summary>
    public static float[] BoxIou(ReadOnlySpan<float> box1, ReadOnlySpan<float> box2, float eps = 1e-7f)
    {
        int n = box1.Length / 4, m = box2.Length / 4;
        var iou = new float[n * m];
        for (var i = 0; i < n; i++)
        {
            float ax1 = box1[i * 4], ay1 = box1[i * 4 + 1], ax2 = box1[i * 4 + 2], ay2 = box1[i * 4 + 3];
            var area1 = (ax2 - ax1) * (ay2 - ay1);
            for (var j = 0; j < m; j++)
            {
                float bx1 = box2[j * 4], by1 = box2[j * 4 + 1], bx2 = box2[j * 4 + 2], by2 = box2[j * 4 + 3];
                var w = Math.Max(Math.Min(ax2, bx2) - Math.Max(ax1, bx1), 0f);
                var h = Math.Max(Math.Min(ay2, by2) - Math.Max(ay1, by1), 0f);
                var inter = w * h;
                var area2 = (bx2 - bx1) * (by2 - by1);
                iou[i * m + j] = inter / (area1 + area2 - inter + eps);
            }
        }
        return iou;
    }
}
