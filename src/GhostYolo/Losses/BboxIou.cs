using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>Which IoU variant <see cref="BboxIou.Compute"/> returns.</summary>
internal enum IouKind
{
    /// <summary>Plain intersection over union.</summary>
    Iou,
    /// <summary>Generalized IoU (Rezatofighi et al. 2019).</summary>
    GIou,
    /// <summary>Distance IoU (Zheng et al. 2020).</summary>
    DIou,
    /// <summary>Complete IoU (Zheng et al. 2020): DIoU plus an aspect-ratio term.</summary>
    CIou,
}

/// <summary>
/// Elementwise IoU / GIoU / DIoU / CIoU of two broadcastable (…, 4) box tensors, mirroring ultralytics
/// <c>utils.metrics.bbox_iou</c> (identical in yolov5 v7.0), including its eps placement.
/// </summary>
internal static class BboxIou
{
    private static readonly double FourOverPiSquared = 4.0 / (Math.PI * Math.PI);

    /// <summary>
    /// Returns a (…, 1) tensor like the reference (it keeps the last axis because it splits with <c>chunk</c>).
    /// xyxy input adds <paramref name="eps"/> to both heights (not widths); xywh input adds nothing, exactly as the reference.
    /// The CIoU trade-off weight alpha is computed without gradient.
    /// </summary>
    public static Tensor Compute(Tensor box1, Tensor box2, bool xywh = true, IouKind kind = IouKind.Iou, double eps = 1e-7)
    {
        using var scope = NewDisposeScope();
        Tensor b1x1, b1y1, b1x2, b1y2, b2x1, b2y1, b2x2, b2y2, w1, h1, w2, h2;
        if (xywh)
        {
            var a = box1.chunk(4, -1);   // each (…, 1)
            var b = box2.chunk(4, -1);
            (w1, h1, w2, h2) = (a[2], a[3], b[2], b[3]);
            var (hw1, hh1, hw2, hh2) = (w1 / 2, h1 / 2, w2 / 2, h2 / 2);
            (b1x1, b1x2, b1y1, b1y2) = (a[0] - hw1, a[0] + hw1, a[1] - hh1, a[1] + hh1);
            (b2x1, b2x2, b2y1, b2y2) = (b[0] - hw2, b[0] + hw2, b[1] - hh2, b[1] + hh2);
        }
        else
        {
            var a = box1.chunk(4, -1);
            var b = box2.chunk(4, -1);
            (b1x1, b1y1, b1x2, b1y2) = (a[0], a[1], a[2], a[3]);
            (b2x1, b2y1, b2x2, b2y2) = (b[0], b[1], b[2], b[3]);
            // The reference guards only the heights (they are the atan denominators).
            (w1, h1) = (b1x2 - b1x1, b1y2 - b1y1 + eps);
            (w2, h2) = (b2x2 - b2x1, b2y2 - b2y1 + eps);
        }

        var inter = (minimum(b1x2, b2x2) - maximum(b1x1, b2x1)).clamp_min(0)
                  * (minimum(b1y2, b2y2) - maximum(b1y1, b2y1)).clamp_min(0);
        var union = w1 * h1 + w2 * h2 - inter + eps;
        var iou = inter / union;
        if (kind == IouKind.Iou) return iou.MoveToOuterDisposeScope();

        var cw = maximum(b1x2, b2x2) - minimum(b1x1, b2x1);   // enclosing box width
        var ch = maximum(b1y2, b2y2) - minimum(b1y1, b2y1);
        if (kind == IouKind.GIou)
        {
            var cArea = cw * ch + eps;
            return (iou - (cArea - union) / cArea).MoveToOuterDisposeScope();
        }

        var c2 = cw.pow(2) + ch.pow(2) + eps;   // squared enclosing diagonal
        var rho2 = ((b2x1 + b2x2 - b1x1 - b1x2).pow(2) + (b2y1 + b2y2 - b1y1 - b1y2).pow(2)) / 4;
        if (kind == IouKind.DIou) return (iou - rho2 / c2).MoveToOuterDisposeScope();

        var v = (atan(w2 / h2) - atan(w1 / h1)).pow(2) * FourOverPiSquared;
        Tensor alpha;
        using (no_grad())
        {
            alpha = v / (v - iou + (1 + eps));
        }
        return (iou - (rho2 / c2 + v * alpha)).MoveToOuterDisposeScope();
    }
}
