using GhostYolo.Platform;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn;

/// <summary>Every detection YAML in cfg/models builds at scales n and s, runs at 640 and 320, and fusing keeps outputs.</summary>
public class ModelForwardTests
{
    public static IEnumerable<object[]> DetectionYamls()
        => Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "cfg", "models"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}cls{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetFileName(f)).Order()
            .SelectMany(f => new[] { new object[] { f, "n" }, new object[] { f, "s" } });

    [Theory]
    [MemberData(nameof(DetectionYamls))]
    public void BuildsAndRunsAtBothSizes(string yaml, string scale)
    {
        var name = yaml.Replace("yolov8", "yolov8" + scale).Replace("yolov5", "yolov5" + scale);
        using var model = new ModelBuilder().Build(name, 3);
        Assert.Equal([8L, 16, 32], model.Strides);
        model.eval();
        using var _ = no_grad();
        foreach (var size in new[] { 640, 320 })
        {
            using var scope = NewDisposeScope();
            var raw = model.ForwardRaw(zeros(1, 3, size, size));
            Assert.Equal(3, raw.Length);
            for (int l = 0; l < 3; l++)
            {
                long g = size / model.Strides[l];
                if (model.Head!.Kind == HeadKind.AnchorFree) Assert.Equal([1L, 64 + 3, g, g], raw[l].shape);
                else Assert.Equal([1L, 3, g, g, 5 + 3], raw[l].shape);
            }
            var decoded = model.Decode(raw);
            long anchors = (size / 8) * (size / 8) + (size / 16) * (size / 16) + (size / 32) * (size / 32);
            // One decoded layout for every head: xywh + one score per class, per anchor (v5: 3 anchors per cell).
            if (model.Head!.Kind == HeadKind.AnchorFree) Assert.Equal([1L, 4 + 3, anchors], decoded.shape);
            else Assert.Equal([1L, 4 + 3, 3 * anchors], decoded.shape);
            // The model's forward is the reference tool's output (and its ONNX export's): ultralytics' layout, or yolov5's.
            using var reference = model.Head.ReferenceOutput(raw);
            if (model.Head.Kind == HeadKind.AnchorFree) Assert.Equal([1L, 4 + 3, anchors], reference.shape);
            else Assert.Equal([1L, 3 * anchors, 5 + 3], reference.shape);
        }
    }

    public static IEnumerable<object[]> DetectionYamlNames() => DetectionYamls().Where(r => (string)r[1] == "n").Select(r => new[] { r[0] });

    /// <summary>
    /// Fusing keeps every model's eval output, whether Fuse runs after eval() or before it on a freshly built model still in
    /// training mode (as the trainer's final validation once did), and through <see cref="DetectionModel.PrepareForInference"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(DetectionYamlNames))]
    public void FusedOutputsEqualUnfused(string yaml)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();   // roots every temporary tensor: see Float32OutputEqualsFloat64
        var x = rand(1, 3, 160, 160, generator: new Generator(2));
        using var reference = new ModelBuilder().Build(yaml, 4);
        RandomizeBatchNorm(reference, seed: 1);
        var weights = reference.state_dict();
        Tensor Eval(Action<DetectionModel> prepare)
        {
            using var evalScope = NewDisposeScope();
            using var model = new ModelBuilder().Build(yaml, 4);
            model.load_state_dict(weights);
            prepare(model);
            model.eval();
            return model.call(model.PrepareInput(x.clone())).contiguous().clone().MoveToOuterDisposeScope();
        }
        var before = Eval(_ => { });
        foreach (var (name, prepare) in new (string, Action<DetectionModel>)[]
        {
            ("eval then Fuse", m =>
            {
                m.eval();
                m.Fuse();
                // ultralytics' is_fused (fewer than 10 BatchNorms left) holds where every BN sits in a fusable block.
                if (yaml is "yolov8.yaml" or "yolov5.yaml" or "yolov8-ghost.yaml") Assert.True(m.IsFused);
            }),
            ("Fuse in training mode", m => { m.train(); m.Fuse(); }),
            ("PrepareForInference", m => m.PrepareForInference()),
        })
        {
            var after = Eval(prepare);
            // Relative to the output's magnitude: v5/v8 outputs are in pixels, so absolute float32 noise scales with them.
            var diff = ((before - after).abs().max() / before.abs().max()).item<float>();
            Assert.True(diff < 1e-5, $"{yaml}, {name}: max |unfused − fused| / max |unfused| = {diff}");
        }
    }

    /// <summary>
    /// Every model's float32 output, run NHWC as inference and training run it, is its float64 output to float32 rounding at
    /// 320 (on some CPUs libtorch miscomputes NCHW 3×3 / 2×2 convs such as FasterNet-n's 24- and 40-channel ones, and NHWC
    /// 1×1 convs with 40 or 80 outputs unless they run as GEMMs: docs/workarounds.md, "NHWC for every model that computes results").
    /// </summary>
    [Theory]
    [MemberData(nameof(DetectionYamlNames))]
    public void Float32OutputEqualsFloat64(string yaml)
    {
        using var _ = no_grad();
        // TorchSharp passes only a tensor's native handle to libtorch, so a temporary (rows, weight in PointwiseGemm.Forward,
        // any x.a().b() intermediate) is unreachable during the native call that reads it; a GC started by a parallel test
        // then lets the finalizer free it mid-call ("addmm: self and mat2 must have the same dtype, but got Double and Byte",
        // or SIGSEGV). A DisposeScope holds every tensor made under it until the scope ends.
        using var scope = NewDisposeScope();
        using var model = new ModelBuilder().Build(yaml, 4);
        RandomizeBatchNorm(model, seed: 1);
        model.eval();
        var x = rand(2, 3, 320, 320, generator: new Generator(2));
        // Raw head outputs, level by level: a fresh head's decoded boxes barely depend on the features.
        // float32 as every inference path and training run it: NHWC (PrepareForInference, Trainer).
        model.ToChannelsLast();
        var f32 = model.ForwardRaw(MemoryFormat.ChannelsLast(x)).Select(t => t.to(ScalarType.Float64)).ToArray();
        model.to(ScalarType.Float64);
        var f64 = model.ForwardRaw(x.to(ScalarType.Float64));
        for (int l = 0; l < f64.Length; l++)
        {
            var diff = ((f32[l] - f64[l]).abs().max() / f64[l].abs().max()).item<double>();
            Assert.True(diff < 1e-4, $"{yaml}, level {l}: max |float32 − float64| / max |float64| = {diff:E2}");
        }
    }

    /// <summary>Non-trivial BN statistics, so fusion is really exercised (fresh BNs are the identity).</summary>
    internal static void RandomizeBatchNorm(nn.Module model, int seed)
    {
        var g = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var bn in ModuleTree.Unique(model).OfType<TorchSharp.Modules.BatchNorm2d>())
        {
            bn.weight!.copy_(rand(bn.weight.shape, generator: g) + 0.5);
            bn.bias!.copy_(rand(bn.bias.shape, generator: g) - 0.5);
            bn.running_mean!.copy_(rand(bn.running_mean.shape, generator: g) * 0.2 - 0.1);
            bn.running_var!.copy_(rand(bn.running_var.shape, generator: g) + 0.5);
        }
    }
}
