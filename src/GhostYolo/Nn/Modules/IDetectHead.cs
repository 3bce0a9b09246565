using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>What kind of head a model has, for the few decisions that are the training recipe's or a file format's
/// (the recipe's defaults for anchor-based models, the <c>head</c> entry of ONNX metadata, the layout of an ONNX file's
/// output) — never for decoding, NMS, metrics or drawing, which see only <see cref="IDetectHead.Decode"/>'s one layout.</summary>
internal enum HeadKind
{
    /// <summary>YOLOv8: anchor-free, DFL box distributions, no objectness.</summary>
    AnchorFree,
    /// <summary>YOLOv5: three anchors per cell, objectness.</summary>
    Anchors,
}

/// <summary>
/// A detection head. It owns everything that differs between heads: how its strides are set up from a forward pass,
/// its raw training outputs (the loss registry in <c>GhostYolo.Losses</c> picks the loss by the head's type), and decoding
/// into the one layout every consumer past the head reads — (B, 4+nc, A): xywh in input pixels, then one confidence per
/// class (for YOLOv5, objectness × class probability, as yolov5's own NMS scores them).
/// </summary>
internal interface IDetectHead
{
    HeadKind Kind { get; }
    int Nc { get; }
    int Nl { get; }
    /// <summary>Per-level strides in pixels, set up by <see cref="SetUpStrides"/>.</summary>
    long[] Strides { get; }

    /// <summary>Raw outputs: v8 (B, 64+nc, H, W) per level; v5 (B, na, H, W, 5+nc) per level.</summary>
    Tensor[] Forward(Tensor[] features);

    /// <summary>
    /// Sets the strides from the raw outputs of a forward pass at <paramref name="inputSize"/>² (each level's grid height),
    /// and what depends on them (v5: the YAML's pixel anchors into grid units, in stride order).
    /// </summary>
    void SetUpStrides(Tensor[] raw, int inputSize);

    /// <summary>Raw outputs → the one decoded layout (B, 4+nc, A): xywh pixels, then per-class confidences; fp32.</summary>
    Tensor Decode(Tensor[] raw);

    /// <summary>
    /// Raw outputs → the reference implementation's inference output, which is also what the ONNX export writes:
    /// ultralytics (B, 4+nc, A); yolov5 (B, A, 5+nc) with xywh, objectness, class probabilities.
    /// </summary>
    Tensor ReferenceOutput(Tensor[] raw);

    /// <summary>A <see cref="ReferenceOutput"/>-layout tensor computed elsewhere (ONNX Runtime running the export) → the
    /// layout of <see cref="Decode"/>. May return <paramref name="output"/> itself when the two layouts coincide.</summary>
    Tensor DecodeReferenceOutput(Tensor output);

    /// <summary>Prior-based bias initialisation (ultralytics <c>bias_init</c> / yolov5 <c>_initialize_biases</c>); needs strides.</summary>
    void InitBiases();
}

/// <summary>A head with anchor boxes (yolov5): what AutoAnchor reads and rewrites.</summary>
internal interface IAnchorHead : IDetectHead
{
    /// <summary>The anchors in pixels, (nl·na) rows of (w, h) in level order.</summary>
    float[][] PixelAnchors();

    /// <summary>Writes new anchors given in pixels ((nl·na) (w, h) pairs, flattened).</summary>
    void SetPixelAnchors(float[] pixelWh);
}

/// <summary>The decoded layout's conversions, written once for the heads and for ONNX files exported by other tools.</summary>
internal static class DecodedLayout
{
    /// <summary>
    /// yolov5's (B, A, 5+nc) [xywh, objectness, class probabilities] → (B, 4+nc, A) [xywh, objectness × class]. yolov5 v7.0's
    /// <c>non_max_suppression</c> multiplies first (<c>x[:, 5:] *= x[:, 4:5]</c>) and thresholds the products; its earlier
    /// objectness filter (<c>obj &gt; conf</c>) keeps no row the product test would drop, because a float32 product with a
    /// factor ≤ 1 never rounds above the other factor. So NMS on this layout keeps exactly yolov5's rows and scores.
    /// </summary>
    public static Tensor FromObjectness(Tensor yolov5)
    {
        if (yolov5.dim() != 3 || yolov5.shape[2] < 6)
            throw new ArgumentException($"expected (B, A, 5+nc) with nc >= 1, got [{string.Join(", ", yolov5.shape)}]", nameof(yolov5));
        using var scope = NewDisposeScope();
        var y = yolov5.to(ScalarType.Float32);
        var scores = y[.., .., 5..] * y[.., .., 4..5];                                    // (B, A, nc) float32 products
        return cat([y[.., .., ..4], scores], -1).transpose(1, 2).contiguous().MoveToOuterDisposeScope();   // (B, 4+nc, A)
    }
}
