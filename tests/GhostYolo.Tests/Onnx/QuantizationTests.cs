using GhostYolo.Nn;
using GhostYolo.Onnx;
using GhostYolo.Onnx.Quantization;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Onnx;

public class QuantizationTests
{
    [Fact]
    public void Conv_weights_round_trip_within_half_a_step_per_channel()
    {
        manual_seed(3);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        var conv = model.modules().OfType<TorchSharp.Modules.Conv2d>().Skip(5).First();
        using var w = conv.weight!.detach().contiguous();
        var values = w.data<float>().ToArray();
        int cout = (int)w.shape[0], per = values.Length / cout;
        var (q, scales) = WeightQuantizer.PerChannel(values, cout);
        var back = WeightQuantizer.Dequantize(q, scales);
        for (int c = 0; c < cout; c++)
        {
            float max = values.Skip(c * per).Take(per).Max(Math.Abs);
            Assert.Equal(max / 127f, scales[c], 1e-6f);
            for (int i = c * per; i < (c + 1) * per; i++)
                Assert.True(Math.Abs(back[i] - values[i]) <= scales[c] / 2 * (1 + 1e-5f), $"channel {c}: {values[i]} → {back[i]}");
        }
    }

    internal static List<Tensor> Images(int n, int size, int seed)
    {
        // Smooth images (blurred noise), closer to photographs than white noise.
        var g = new TorchSharp.torch.Generator((ulong)seed);
        return [.. Enumerable.Range(0, n).Select(_ =>
        {
            using var small = rand([1, 3, size / 8, size / 8], generator: g);
            using var big = nn.functional.interpolate(small, [size, size], mode: InterpolationMode.Bilinear);
            return big.mul(255).to(ScalarType.Byte);
        })];
    }

    [Fact]
    public void Quantized_tiny_model_matches_fp32_within_two_percent_of_the_output_range()
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        var images = Images(8, 64, 1);
        var ranges = ActivationCalibrator.Calibrate(model, images, 1);
        var plan = new QuantizationPlan(CalibrationMethod.MinMax, ranges[CalibrationMethod.MinMax], []);
        using var fp32 = new OnnxDetector(model, 1);
        using var int8 = new OnnxDetector(model, 1, plan);
        var graph = OptimizedGraph.Inspect(int8.Graph(1, 64, 64));
        Assert.Equal(0, graph.FloatConvs);
        Assert.True(graph.IntegerConvs > 50, graph.ConvSummary);
        foreach (var image in Images(2, 64, 2))
        {
            using var a = fp32.Run(image);
            using var b = int8.Run(image);
            float range = (a.max() - a.min()).item<float>();
            float err = (a - b).abs().max().item<float>();
            Assert.True(err < 0.02f * range, $"max error {err} vs output range {range}");
        }
    }

    [Fact]
    public void Calibration_is_deterministic_for_a_fixed_image_set()
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        var images = Images(4, 64, 3);
        var first = ActivationCalibrator.Calibrate(model, images, 2);
        var second = ActivationCalibrator.Calibrate(model, images, 2);
        foreach (var method in first.Keys)
            Assert.Equal(first[method].OrderBy(kv => kv.Key), second[method].OrderBy(kv => kv.Key));
    }

    [Fact]
    public void The_image_convolution_reads_four_channels_with_the_same_result()
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        var images = Images(4, 64, 1);
        var plan = new QuantizationPlan(CalibrationMethod.MinMax, ActivationCalibrator.Calibrate(model, images, 1)[CalibrationMethod.MinMax], []);
        using var padded = new OnnxDetector(model, 1, plan);
        using var plain = new OnnxDetector(model, 1, plan with { Options = new QdqOptions { AlignInputChannels = false } });
        Assert.Equal(1, OptimizedGraph.Inspect(padded.Graph(1, 64, 64)).Count("Pad"));
        Assert.Equal(0, OptimizedGraph.Inspect(plain.Graph(1, 64, 64)).Count("Pad"));
        // A zero channel times zero weights adds nothing: the integer sums, and so the outputs, are the same.
        using var a = padded.Run(images[0]);
        using var b = plain.Run(images[0]);
        Assert.True((a - b).abs().max().item<float>() <= 1e-5f * a.abs().max().item<float>());
    }
}
