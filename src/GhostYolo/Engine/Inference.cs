using GhostYolo.Data;
using GhostYolo.Metrics;
using GhostYolo.Nn;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// The post-processing path shared by the validator and the predictor: decoded head output → NMS → boxes in
/// original-image pixels. (Pre-processing is <see cref="DetectionModel.PrepareInput"/>.)
/// </summary>
internal static class Inference
{
    /// <summary>
    /// NMS on a decoded batch (the one layout every head decodes into, (B, 4+nc, A)), then each image's boxes scaled from the network input back to its original size.
    /// Returns per image an (n,6) float32 CPU tensor x1, y1, x2, y2, score, class in original pixels.
    /// </summary>
    public static Tensor[] Postprocess(Tensor decoded, NmsOptions nms, (int H, int W) inputShape, IReadOnlyList<ImageInfo> items)
    {
        var perImage = Nms.NonMaxSuppression(decoded.to(ScalarType.Float32), nms);
        var result = new Tensor[perImage.Length];
        for (int i = 0; i < perImage.Length; i++)
        {
            result[i] = BoxScaling.ScaleBoxes(inputShape, perImage[i], items[i].Original, items[i].RatioPad);
            perImage[i].Dispose();
        }
        return result;
    }
}
