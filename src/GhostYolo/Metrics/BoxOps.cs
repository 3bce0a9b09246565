using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>Box format conversions and pairwise IoU (ultralytics <c>ops.xywh2xyxy</c>, <c>metrics.box_iou</c>).</summary>
public static class BoxOps
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
}
