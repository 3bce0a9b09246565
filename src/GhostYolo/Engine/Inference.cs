using GhostYolo.Data;
using GhostYolo.Metrics;
using GhostYolo.Nn;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// The one pre- and post-processing path shared by the trainer, validator and predictor: uint8 images → model input,
/// and decoded head output → NMS → boxes in original-image pixels.
/// </summary>
public static class Inference
{
    /// <summary>(B,3,H,W) uint8 RGB → float in [0,1] on the model's device and dtype (ultralytics <c>img.float() / 255</c>).</summary>
    public static Tensor Preprocess(Tensor images, Device device, ScalarType dtype = ScalarType.Float32)
        => images.to(device).to(dtype).div_(255.0);

    /// <summary>
    /// NMS on a decoded batch, then each image's boxes scaled from the network input back to its original size.
    /// Returns per image an (n,6) float32 CPU tensor x1, y1, x2, y2, score, class in original pixels.
    /// </summary>
    public static Tensor[] Postprocess(DetectionModel model, Tensor decoded, NmsOptions nms, (int H, int W) inputShape, IReadOnlyList<ImageInfo> items)
    {
        var options = nms with { Head = model.Head?.Kind ?? Nn.Modules.HeadKind.AnchorFree };
        var perImage = Nms.NonMaxSuppression(decoded.to(ScalarType.Float32), options);
        var result = new Tensor[perImage.Length];
        for (int i = 0; i < perImage.Length; i++)
        {
            result[i] = BoxScaling.ScaleBoxes(inputShape, perImage[i], items[i].Original, items[i].RatioPad);
            perImage[i].Dispose();
        }
        return result;
    }
}
