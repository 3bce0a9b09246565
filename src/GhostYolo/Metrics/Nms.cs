using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>
/// Non-maximum suppression for decoded head outputs, mirroring ultralytics <c>ops.non_max_suppression</c>. Every head
/// decodes into the same layout (<c>IDetectHead.Decode</c>); a yolov5 head folds its objectness into the class scores
/// there, exactly as yolov5 v7.0's <c>general.non_max_suppression</c> does before thresholding, so this one path gives
/// yolov5's rows and scores too.
/// </summary>
/// <remarks>
/// The prediction is read once from a contiguous CPU float32 copy; candidate selection
/// (<see cref="NmsCandidates"/>), the top-MaxNms sort and the greedy pass (<see cref="GreedyNms"/>) run on plain
/// arrays, because per-row tensor ops (nonzero, gathers of 84-wide rows) cost tens of milliseconds on a small CPU.
/// Not mirrored: the wall-clock time limit (2.0 + 0.05·B s), since results would then depend on machine load.
/// Score ties are broken by row order (a stable sort); torch/numpy leave them unspecified.
/// </remarks>
internal static class Nms
{
    /// <summary>
    /// Runs NMS per image. <paramref name="prediction"/> is (B, 4+nc, A): boxes as xywh pixels of the network input, then
    /// one confidence per class.
    /// Returns one float32 CPU (n, 6) tensor per image: x1, y1, x2, y2, score, class, sorted by descending score.
    /// </summary>
    public static Tensor[] NonMaxSuppression(Tensor prediction, NmsOptions? options = null)
    {
        var o = options ?? new NmsOptions();
        if (o.Conf < 0 || o.Conf > 1) throw new ArgumentOutOfRangeException(nameof(options), $"Conf {o.Conf} must be in [0, 1].");
        if (o.Iou < 0 || o.Iou > 1) throw new ArgumentOutOfRangeException(nameof(options), $"Iou {o.Iou} must be in [0, 1].");
        if (o.MaxDet < 1 || o.MaxNms < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxDet and MaxNms must be at least 1.");
        if (prediction.dim() != 3)
            throw new ArgumentException($"prediction must be 3-D (B, 4+nc, A), got [{string.Join(", ", prediction.shape)}].", nameof(prediction));

        var batch = (int)prediction.shape[0];
        var outputs = new Tensor[batch];
        using var scope = NewDisposeScope();
        var pred = prediction.detach().to(ScalarType.Float32).cpu().contiguous();
        var (d1, d2) = ((int)pred.shape[1], (int)pred.shape[2]);
        var all = MemoryMarshal.Cast<byte, float>(pred.bytes);
        var perImage = d1 * d2;
        for (var b = 0; b < batch; b++)
        {
            var img = all.Slice(b * perImage, perImage);
            var sorted = NmsCandidates.Select(img, d1, d2, o, out var m, out _);   // (m, 6) by descending score
            var keep = new int[Math.Min(o.MaxDet, m)];
            var k = GreedyNms.Run(sorted.AsSpan(0, m * 6), o.Iou, o.Agnostic ? 0f : (float)o.MaxWh, keep);
            var result = new float[k * 6];
            for (var i = 0; i < k; i++) sorted.AsSpan(keep[i] * 6, 6).CopyTo(result.AsSpan(i * 6, 6));
            outputs[b] = tensor(result, [k, 6], ScalarType.Float32).MoveToOuterDisposeScope();
        }
        return outputs;
    }
}
