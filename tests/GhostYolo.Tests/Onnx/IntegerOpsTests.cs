using GhostYolo.Tests.Weights;
using GhostYolo.Nn;
using GhostYolo.Nn.Export;
using GhostYolo.Onnx;
using GhostYolo.Onnx.Quantization;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Onnx;

/// <summary>The operations between convolutions that the QDQ pass keeps in 8 bits (adds, concatenations, pooling, upsampling).</summary>
[Collection("global-rng")]
public class IntegerOpsTests
{
    /// <summary>
    /// images → conv0+SiLU → conv1+SiLU → MaxPool → Concat(act0, act1, pool) → conv2 → Add(conv2, act1) → conv3 → Sigmoid.
    /// </summary>
    private static (OnnxGraph G, string Act0, string Act1, string Pool, string Cat, string Output) TinyGraph()
    {
        var g = new OnnxGraph(8, 8);
        var x = g.Input(OnnxExporter.InputName, OnnxGraph.ElementType.Float, [1, 3, 8, 8]);
        var rng = new Random(1);
        string Conv(string input, int cin, int cout)
        {
            var w = Enumerable.Range(0, cin * cout).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            return g.Node("Conv", [input, g.Floats(w, cout, cin, 1, 1), g.Floats(new float[cout], cout)], ("kernel_shape", new long[] { 1, 1 }));
        }
        var act0 = g.Silu(Conv(x, 3, 4));
        var act1 = g.Silu(Conv(act0, 4, 4));
        var pool = g.Node("MaxPool", [act1], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 1, 1 }), ("pads", new long[] { 1, 1, 1, 1 }));
        var cat = g.Node("Concat", [act0, act1, pool], ("axis", 1L));
        var sum = g.Node("Add", [Conv(cat, 12, 4), act1]);
        // A float op after the last convolution, as the head's decode: the convolution's output is quantized for it.
        var output = g.Node("Sigmoid", [Conv(sum, 4, 2)]);
        return (g, act0, act1, pool, cat, output);
    }

    /// <summary>A plan with a distinct range per tensor: [−0.25, k + 2] for the tensors of conv k (the first point naming
    /// a tensor sets its range, as calibration gives every key of one tensor the same range), [−0.25, 9] for the rest.</summary>
    private static QuantizationPlan Plan(OnnxGraph g, QdqOptions? options = null)
    {
        var points = QdqQuantizer.Points(g);
        var byTensor = new Dictionary<string, ActivationRange>();
        foreach (var p in points) byTensor.TryAdd(p.Tensor, new ActivationRange(-0.25f, p.Conv >= 0 ? p.Conv + 2 : 9));
        return new QuantizationPlan(CalibrationMethod.MinMax, points.ToDictionary(p => p.Key, p => byTensor[p.Tensor]), [])
        {
            Options = options ?? QdqOptions.Default,
        };
    }

    /// <summary>The scale of the QuantizeLinear that quantizes <paramref name="tensor"/>.</summary>
    private static float Scale(OnnxGraph g, string tensor)
        => g.FloatInitializer(g.Nodes.Single(n => n.Op == "QuantizeLinear" && n.Inputs[0] == tensor).Inputs[1])!.Value.Values[0];

    [Fact]
    public void Adds_and_concatenations_between_convolutions_are_calibration_points()
    {
        var t = TinyGraph();
        var points = QdqQuantizer.Points(t.G);
        Assert.Equal(new[] { "concat0.out", "add0.out" }, points.Where(p => p.Conv < 0).Select(p => p.Key));
        Assert.Equal(t.Cat, points.Single(p => p.Key == "concat0.out").Tensor);
    }

    [Fact]
    public void Pooling_keeps_its_input_scale_and_a_concatenation_shares_one_when_asked()
    {
        var t = TinyGraph();
        QdqQuantizer.Apply(t.G, Plan(t.G));
        Assert.Equal(Scale(t.G, t.Act1), Scale(t.G, t.Pool));     // MaxPool runs on the 8-bit values as they are
        Assert.Equal(2.25f / 255, Scale(t.G, t.Act0), 1e-6f);     // each keeps its own range
        Assert.Equal(3.25f / 255, Scale(t.G, t.Act1), 1e-6f);
        Assert.Equal(4.25f / 255, Scale(t.G, t.Cat), 1e-6f);

        var s = TinyGraph();
        QdqQuantizer.Apply(s.G, Plan(s.G, new QdqOptions { ShareConcatScales = true }));
        // One scale for the concatenation and all its inputs: the union of their ranges.
        Assert.Equal(4.25f / 255, Scale(s.G, s.Cat), 1e-6f);
        foreach (var input in new[] { s.Act0, s.Act1, s.Pool }) Assert.Equal(Scale(s.G, s.Cat), Scale(s.G, input));
    }

    [Fact]
    public void Onnx_runtime_runs_them_as_integer_kernels_and_a_plan_without_their_ranges_keeps_them_float()
    {
        var t = TinyGraph();
        QdqQuantizer.Apply(t.G, Plan(t.G));
        var ops = OptimizedGraph.Inspect(t.G.ToModel(t.Output));
        Assert.Equal(1, ops.Count("QLinearConcat"));
        Assert.Equal(1, ops.Count("QLinearAdd"));
        Assert.Equal(0, ops.Count("Concat") + ops.Count("Add"));
        Assert.Equal(4, ops.IntegerConvs);

        // A calibration made before adds and concatenations were points (no ranges for them): only the convolutions'
        // own points are quantized, so the pooling that feeds the (float) concatenation is not.
        var old = TinyGraph();
        var plan = Plan(old.G);
        QdqQuantizer.Apply(old.G, plan with { Ranges = plan.Ranges.Where(kv => kv.Key.StartsWith("conv")).ToDictionary() });
        Assert.DoesNotContain(old.G.Nodes, n => n.Op == "QuantizeLinear" && n.Inputs[0] == old.Pool);
        Assert.Equal(4, OptimizedGraph.Inspect(old.G.ToModel(old.Output)).IntegerConvs);
    }

    [Fact]
    public void Yolov8n_keeps_activations_8_bit_from_the_stem_to_the_head()
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        using var image = randint(0, 256, [1, 3, 64, 64], dtype: ScalarType.Byte);
        var ranges = ActivationCalibrator.Calibrate(model, [image], 1)[CalibrationMethod.MinMax];
        var plan = new QuantizationPlan(CalibrationMethod.MinMax, ranges, []);
        var ops = OptimizedGraph.Inspect(OnnxExporter.Export(model, 1, 64, 64, plan));
        // 8 C2f + SPPF + 2 upsampling joins + 2 downsampling joins; the 6 residual adds of the backbone's C2f blocks.
        Assert.Equal(13, ops.Count("QLinearConcat"));
        Assert.Equal(6, ops.Count("QLinearAdd"));
        Assert.Equal(0, ops.FloatConvs);
        // Only the head's six outputs (box and class branches at three strides) are dequantized, for the float decode.
        Assert.Equal(6, ops.Count("DequantizeLinear"));

        // Quantizing only around the convolutions (as before adds and concatenations were points) leaves float islands:
        // ONNX Runtime fuses some concatenations and adds whose inputs happen to be quantized, not the rest.
        var convsOnly = OptimizedGraph.Inspect(OnnxExporter.Export(model, 1, 64, 64, plan with { Options = new QdqOptions { Ops = Int8Ops.None } }));
        Assert.True(convsOnly.Count("QLinearConcat") < 13 && convsOnly.Count("QLinearAdd") < 6, string.Join(" ", convsOnly.OpCounts));
        Assert.True(convsOnly.Count("DequantizeLinear") > 6, string.Join(" ", convsOnly.OpCounts));
    }

    [Fact]
    public void Quantized_upsampling_copies_bytes_instead_of_resizing_and_gives_the_same_output()
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        using var image = randint(0, 256, [1, 3, 64, 96], dtype: ScalarType.Byte);
        var plan = new QuantizationPlan(CalibrationMethod.MinMax, ActivationCalibrator.Calibrate(model, [image], 1)[CalibrationMethod.MinMax], []);
        using var expand = new OnnxDetector(model, 1, plan);
        using var resize = new OnnxDetector(model, 1, plan with { Options = new QdqOptions { UpsampleByExpand = false } });
        var ops = OptimizedGraph.Inspect(expand.Graph(1, 64, 96));
        Assert.Equal(0, ops.Count("Resize"));
        Assert.Equal(2, ops.Count("Expand"));
        Assert.Equal(2, OptimizedGraph.Inspect(resize.Graph(1, 64, 96)).Count("Resize"));
        // The transposes written around the copy cancel against ONNX Runtime's own: no more than with Resize.
        Assert.Equal(OptimizedGraph.Inspect(resize.Graph(1, 64, 96)).Count("Transpose"), ops.Count("Transpose"));
        using var a = expand.Run(image);
        using var b = resize.Run(image);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
    }

    [Theory]
    [MemberData(nameof(ExporterTests.DetectionYamls), MemberType = typeof(ExporterTests))]
    public void Every_detection_yaml_quantizes_to_integer_convolutions_and_runs(string yaml)
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build(yaml, 3);
        model.PrepareForInference();
        using var image = randint(0, 256, [1, 3, 64, 96], dtype: ScalarType.Byte);
        var plan = new QuantizationPlan(CalibrationMethod.MinMax, ActivationCalibrator.Calibrate(model, [image], 1)[CalibrationMethod.MinMax], []);
        using var int8 = new OnnxDetector(model, 1, plan);
        using var fp32 = new OnnxDetector(model, 1);
        var ops = OptimizedGraph.Inspect(int8.Graph(1, 64, 96));
        Assert.Equal(0, ops.FloatConvs);
        Assert.True(ops.Count("QLinearConcat") + ops.Count("QLinearAdd") > 0, string.Join(" ", ops.OpCounts));
        using var a = int8.Run(image);
        using var b = fp32.Run(image);
        Assert.Equal(b.shape, a.shape);
        Assert.True(a.isfinite().all().item<bool>());
    }
}

/// <summary>
/// Tests that seed libtorch's global generator (<c>manual_seed</c>) and build models from it: alone, so no test running
/// beside them draws from the generator in between. Every_detection_yaml_quantizes… once found a float convolution in
/// yolov8n when another test's draws changed its weights.
/// </summary>
[CollectionDefinition("global-rng", DisableParallelization = true)]
public sealed class GlobalRngCollection;
