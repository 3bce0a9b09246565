using GhostYolo.Tests.Weights;
using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Onnx;
using GhostYolo.Platform;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Onnx;

public class OnnxExportTests
{
    /// <summary>Runs the exported graph on ONNX Runtime and the model on libtorch; returns the largest absolute difference
    /// relative to the output's magnitude.</summary>
    private static double RelativeDifference(DetectionModel model, int height, int width, int batch = 1)
    {
        manual_seed(7);
        using var images = randint(0, 256, [batch, 3, height, width], dtype: ScalarType.Byte);
        using var onnx = new OnnxDetector(model, 1);
        using var fromOnnx = onnx.Run(images);
        using var _ = inference_mode();
        using var fromTorch = model.call(model.PrepareInput(images));
        Assert.Equal(fromTorch.shape, fromOnnx.shape);
        return (fromOnnx - fromTorch).abs().max().item<float>() / fromTorch.abs().max().item<float>();
    }

    [Theory]
    [MemberData(nameof(ExporterTests.DetectionYamls), MemberType = typeof(ExporterTests))]
    public void Every_detection_yaml_exports_and_matches_libtorch(string yaml)
    {
        using var model = new ModelBuilder().Build(yaml, 3);
        model.PrepareForInference();
        // A non-square input: grids, anchors and strides must follow height and width separately.
        Assert.True(RelativeDifference(model, 96, 160) < 1e-4);
    }

    [Fact]
    public void Unfused_model_exports_its_batch_norms()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml", 2);
        model.eval();
        Assert.False(model.IsFused);
        Assert.True(RelativeDifference(model, 64, 64, batch: 2) < 1e-4);
    }

    [Fact]
    public void Shapes_beyond_the_session_cache_are_rebuilt_and_still_match()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml", 2);
        model.PrepareForInference();
        using var onnx = new OnnxDetector(model, 1);
        (int H, int W)[] shapes = [(32, 32), (32, 64), (64, 32), (64, 64), (96, 32), (32, 32)];   // 5 shapes, then the evicted first
        using var _ = inference_mode();
        foreach (var (h, w) in shapes)
        {
            using var images = randint(0, 256, [1, 3, h, w], dtype: ScalarType.Byte);
            using var a = onnx.Run(images);
            using var b = model.call(model.PrepareInput(images));
            Assert.True((a - b).abs().max().item<float>() <= 1e-4 * b.abs().max().item<float>(), $"{h}x{w}");
        }
    }

    [Fact]
    public void A_layer_without_an_onnx_form_is_named()
    {
        using var model = new ModelBuilder().Build("ghostnet.yaml");
        var why = OnnxExporter.WhyNotExportable(model);
        Assert.NotNull(why);
        Assert.Contains("layer", why);
        var e = Assert.Throws<NotSupportedException>(() => InferenceRunner.Create(model, Precision.Fp32, InferenceRuntime.Onnx));
        Assert.Contains(why!, e.Message);
    }

    [Fact]
    public void Auto_runtime_picks_onnx_for_fp32_and_falls_back_with_a_note()
    {
        using var v8 = new ModelBuilder().Build("yolov8n.yaml", 1);
        using (var runner = InferenceRunner.Create(v8))
        {
            Assert.Equal(InferenceRuntime.Onnx, runner.Runtime);
            Assert.Null(runner.Note);
        }
        using var cls = new ModelBuilder().Build("ghostnet.yaml");
        using var fallback = InferenceRunner.Create(cls);
        Assert.Equal(InferenceRuntime.Torch, fallback.Runtime);
        Assert.NotNull(fallback.Note);
    }

    [Fact]
    public void Onnx_runtime_refuses_bf16_with_a_clear_error()
    {
        if (!CpuFeatures.HasBf16) return;   // without native bf16 the request falls back to fp32, which ONNX Runtime runs
        using var model = new ModelBuilder().Build("yolov8n.yaml", 1);
        var e = Assert.Throws<ArgumentException>(() => InferenceRunner.Create(model, Precision.Bf16, InferenceRuntime.Onnx));
        Assert.Contains("bf16", e.Message);
    }
}
