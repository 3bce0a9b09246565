using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Platform;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn;

public class PrecisionTests
{
    [Theory]
    [InlineData("yolov8n.yaml")]
    [InlineData("yolov5n.yaml")]
    public void Bf16_inference_decodes_in_fp32_close_to_fp32(string yaml)
    {
        manual_seed(3);
        using var fp32 = new ModelBuilder().Build(yaml, 2);
        using var bf16 = new ModelBuilder().Build(yaml, 2);
        bf16.load_state_dict(fp32.state_dict());
        using var a = InferenceRunner.Create(fp32, Precision.Fp32, InferenceRuntime.Torch);
        using var b = InferenceRunner.Create(bf16, Precision.Bf16, InferenceRuntime.Torch);
        Assert.Equal(CpuFeatures.HasBf16 ? Precision.Bf16 : Precision.Fp32, b.Precision);
        Assert.Equal(CpuFeatures.HasBf16 ? ScalarType.BFloat16 : ScalarType.Float32, bf16.parameters().First().dtype);

        using var images = randint(0, 256, [1, 3, 96, 128], dtype: ScalarType.Byte);
        using var _ = inference_mode();
        using var ya = a.Run(images);
        using var yb = b.Run(images);
        Assert.Equal(ScalarType.Float32, yb.dtype);
        Assert.Equal(ya.shape, yb.shape);
        // Boxes in pixels: bf16's 8-bit mantissa moves them by a small fraction of the image.
        using var boxesA = yaml.StartsWith("yolov8") ? ya[.., ..4] : ya[.., .., ..4];
        using var boxesB = yaml.StartsWith("yolov8") ? yb[.., ..4] : yb[.., .., ..4];
        Assert.True((boxesA - boxesB).abs().max().item<float>() < 0.05 * boxesA.abs().max().item<float>());
    }
}
