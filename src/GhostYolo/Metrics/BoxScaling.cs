using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>
/// Maps xyxy boxes from the letterboxed network input back to the original image
/// (ultralytics <c>ops.scale_boxes</c> + <c>ops.clip_boxes</c>; yolov5 v7.0 <c>scale_boxes</c> with <c>yolov5: true</c>).
/// </summary>
internal static class BoxScaling
{
    /// <summary>
    /// The gain and (left, top) padding that map input pixels back to original pixels.
    /// With <paramref name="ratioPad"/> (from LetterBox: height ratio, int pads) those are used as given
    /// (gain = height ratio only); without, gain = min(h1/h0, w1/w0) and pad = round((w1 − w0·gain)/2 − 0.1)
    /// (yolov5: the float half-pads, no rounding).
    /// </summary>
    public static (double Gain, double PadW, double PadH) GainAndPad(
        (int H, int W) inputShape, (int H, int W) originalShape,
        (double Gain, double PadW, double PadH)? ratioPad = null, bool yolov5 = false)
    {
        if (ratioPad is { } rp) return rp;
        var gain = Math.Min((double)inputShape.H / originalShape.H, (double)inputShape.W / originalShape.W);
        var padW = (inputShape.W - originalShape.W * gain) / 2;
        var padH = (inputShape.H - originalShape.H * gain) / 2;
        return yolov5 ? (gain, padW, padH) : (gain, Math.Round(padW - 0.1), Math.Round(padH - 0.1));
    }

    /// <summary>
    /// Returns a new tensor: the first four columns of <paramref name="boxes"/> (…, 4+) xyxy in
    /// <paramref name="inputShape"/> pixels, un-padded, divided by the gain and clipped to
    /// <paramref name="originalShape"/>; further columns (score, class) are copied unchanged.
    /// </summary>
    public static Tensor ScaleBoxes((int H, int W) inputShape, Tensor boxes, (int H, int W) originalShape,
        (double Gain, double PadW, double PadH)? ratioPad = null, bool padding = true, bool yolov5 = false)
    {
        using var scope = NewDisposeScope();
        var (gain, padW, padH) = GainAndPad(inputShape, originalShape, ratioPad, yolov5);
        var outBoxes = boxes.clone();
        var xy = outBoxes[TensorIndex.Ellipsis, ..4];                 // (…, 4) view
        if (padding)
        {
            var pad = tensor(new[] { (float)padW, (float)padH, (float)padW, (float)padH }, dtype: outBoxes.dtype, device: outBoxes.device);
            xy.sub_(pad);
        }
        xy.div_(gain);
        ClipBoxes(xy, originalShape);
        return outBoxes.MoveToOuterDisposeScope();
    }

    /// <summary>Clamps xyxy boxes (…, 4) in place: x to [0, W], y to [0, H] (ultralytics <c>clip_boxes</c>).</summary>
    public static void ClipBoxes(Tensor boxes, (int H, int W) shape)
    {
        using var scope = NewDisposeScope();
        boxes[TensorIndex.Ellipsis, 0].clamp_(0, shape.W);
        boxes[TensorIndex.Ellipsis, 1].clamp_(0, shape.H);
        boxes[TensorIndex.Ellipsis, 2].clamp_(0, shape.W);
        boxes[TensorIndex.Ellipsis, 3].clamp_(0, shape.H);
    }

    /// <summary>
    /// The inverse mapping (original pixels → input pixels), e.g. to put ground truth on the letterboxed image
    /// or to build round-trip tests: x·gain + pad.
    /// </summary>
    public static Tensor ToInput((int H, int W) inputShape, Tensor boxes, (int H, int W) originalShape,
        (double Gain, double PadW, double PadH)? ratioPad = null, bool yolov5 = false)
    {
        using var scope = NewDisposeScope();
        var (gain, padW, padH) = GainAndPad(inputShape, originalShape, ratioPad, yolov5);
        var pad = tensor(new[] { (float)padW, (float)padH, (float)padW, (float)padH }, dtype: boxes.dtype, device: boxes.device);
        var outBoxes = boxes.clone();
        outBoxes[TensorIndex.Ellipsis, ..4].mul_(gain).add_(pad);
        return outBoxes.MoveToOuterDisposeScope();
    }
}
