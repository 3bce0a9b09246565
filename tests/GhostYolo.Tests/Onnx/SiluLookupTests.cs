using GhostYolo.Nn;
using GhostYolo.Nn.Export;
using GhostYolo.Onnx;
using GhostYolo.Onnx.Quantization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Onnx;

public class SiluLookupTests
{
    private static byte[] RandomBytes(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(129)]
    [InlineData(100_003)]
    public void Lookup_equals_indexing_the_table(int n)
    {
        var table = RandomBytes(256, 1);
        var src = RandomBytes(n, 2);
        var dst = new byte[n];
        LookupOp.Apply(src, dst, table);
        for (int i = 0; i < n; i++) Assert.True(dst[i] == table[src[i]], $"byte {i}: {src[i]} → {dst[i]}, table says {table[src[i]]}");
    }

    [Fact]
    public void The_table_is_silu_between_the_two_quantizations()
    {
        // X = (q - 128) · 0.05, Y = round(silu(X) / 0.04) + 20; the values worked out by hand.
        var table = SiluLookup.Table((0.05f, 128), (0.04f, 20));
        Assert.Equal(20, table[128]); // silu(0) = 0: the output's zero point
        Assert.Equal(178, table[255]); // silu(6.35) = 6.339 → 158.47 → 158
        Assert.Equal(20, table[0]); // silu(-6.4) = -0.0106 → -0.27 → 0
        Assert.Equal(13, table.Min()); // silu's minimum, -0.2785 at x = -1.278 → -6.96 → -7
        Assert.Equal(13, table[102]); // q = 102: x = -1.3
    }

    /// <summary>A one-node model: Lookup(x: uint8[shape], table) → y.</summary>
    private static byte[] LookupModel(long[] shape, byte[] table)
    {
        ProtoWriter ValueInfo(string name) => new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1,
            new ProtoWriter().Int(1, 2).Message(2, shape.Aggregate(new ProtoWriter(), (w, d) => w.Message(1, new ProtoWriter().Int(1, d))))));
        var graph = new ProtoWriter()
            .Message(1, new ProtoWriter().String(1, "x").String(1, "table").String(2, "y").String(3, "lookup").String(4, LookupOp.Name).String(7, LookupOp.Domain))
            .String(2, "g")
            .Message(5, new ProtoWriter().Int(1, 256).Int(2, 2).String(8, "table").Bytes(9, table))
            .Message(11, ValueInfo("x"))
            .Message(12, ValueInfo("y"));
        return new ProtoWriter().Int(1, 8)
            .Message(8, new ProtoWriter().String(1, "").Int(2, 17))
            .Message(8, new ProtoWriter().String(1, LookupOp.Domain).Int(2, 1))
            .Message(7, graph).ToArray();
    }

    [Fact]
    public void The_operator_runs_in_onnx_runtime_on_its_thread_pool()
    {
        long[] shape = [1, 8, 200, 201]; // 321,600 bytes: five chunks over two threads
        var table = RandomBytes(256, 3);
        var x = RandomBytes((int)shape.Aggregate(1L, (a, b) => a * b), 4);
        using var options = OrtRun.Options(2);
        LookupOp.Register(options);
        using var session = new InferenceSession(LookupModel(shape, table), options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        var y = outputs[0].GetTensorDataAsSpan<byte>();
        Assert.Equal(shape, outputs[0].GetTensorTypeAndShape().Shape);
        for (int i = 0; i < x.Length; i++) Assert.True(y[i] == table[x[i]], $"byte {i}");
    }

    [Fact]
    public void Every_int8_silu_becomes_one_lookup_and_the_output_barely_moves()
    {
        manual_seed(5);
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.PrepareForInference();
        var calibration = QuantizationTests.Images(8, 64, 1);
        var plan = new QuantizationPlan(CalibrationMethod.MinMax, ActivationCalibrator.Calibrate(model, calibration, 1)[CalibrationMethod.MinMax], []);
        using var detector = new OnnxDetector(model, 1, plan);
        var qdq = detector.Graph(1, 64, 64);

        var plain = OrtRun.Optimize(qdq, 1);
        int silus = OptimizedGraph.ReadOpCounts(plain).GetValueOrDefault("QLinearSigmoid");
        Assert.True(silus > 50, $"{silus} QLinearSigmoid nodes in the optimized graph");
        var (rewritten, fused) = SiluLookup.Rewrite(plain);
        var counts = OptimizedGraph.ReadOpCounts(rewritten);
        Assert.Equal(silus, fused);
        Assert.Equal(silus, counts.GetValueOrDefault(LookupOp.Name));
        Assert.Equal(0, counts.GetValueOrDefault("QLinearSigmoid"));
        Assert.Equal(OptimizedGraph.ReadOpCounts(plain)["QLinearMul"] - silus, counts.GetValueOrDefault("QLinearMul"));

        // The same images through ONNX Runtime's own two-pass SiLU and through the lookups: one rounding fewer, so the
        // decoded outputs differ by a few quantization steps at most.
        using var options = OrtRun.Options(1);
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        using var twoPass = new InferenceSession(plain, options);
        foreach (var image in QuantizationTests.Images(2, 64, 2))
        {
            using var contiguous = image.contiguous();
            using var a = OrtRun.FirstOutput(twoPass, new RunOptions(), OnnxExporter.InputName, contiguous, TensorElementType.UInt8);
            using var b = detector.Run(image);
            float range = (a.max() - a.min()).item<float>();
            float err = (a - b).abs().max().item<float>();
            Assert.True(err < 0.01f * range, $"max difference {err} vs output range {range}");
            Assert.True((a - b).abs().mean().item<float>() < 0.001f * range);
        }
    }
}
