using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Nn.Profiling;

namespace GhostYolo.Benchmarks;

/// <summary>What <see cref="Comparison.Measure"/> counts and times.</summary>
/// <param name="ImgSz">Input size for GFLOPs and latency.</param>
/// <param name="Nc">Class count for model YAMLs; null: the YAML's.</param>
/// <param name="Fused">Count and time after BatchNorm fusion.</param>
/// <param name="Speed">Also measure latency (batch 1, median of <paramref name="Runs"/> timed passes).</param>
/// <param name="Runs">Timed passes for the latency.</param>
/// <param name="Macs">Also count multiply-accumulates by <paramref name="Convention"/>.</param>
/// <param name="Rule">How layers are counted.</param>
/// <param name="Convention">Which operations a MAC count includes.</param>
/// <param name="Precision">Precision of the timed passes.</param>
/// <param name="Runtime">Engine of the timed passes.</param>
public sealed record ComparisonOptions(int ImgSz, int? Nc, bool Fused, bool Speed, int Runs, bool Macs, LayerRule Rule, MacConvention Convention = MacConvention.Thop,
    Precision Precision = Precision.Fp32, InferenceRuntime Runtime = InferenceRuntime.Auto)
{
    /// <summary>How int8 calibrates (a model YAML: on --data's images, without the held-out search).</summary>
    public Int8Options? Int8 { get; init; }
}

/// <summary>One model's row of <c>ghostyolo compare</c>.</summary>
/// <param name="PrecisionFellBack">bf16 was asked for on a CPU without native bf16, so fp32 was measured.</param>
/// <param name="Note">What the engine chose differently from what was asked (e.g. libtorch where ONNX cannot export).</param>
/// <param name="Profile">Layers, parameters, gradients and GFLOPs.</param>
/// <param name="Macs">Multiply-accumulates; null unless asked for.</param>
/// <param name="Latency">Forward latency; null unless speed was asked for.</param>
/// <param name="Runtime">The engine that was timed; null without timing.</param>
public sealed record CompareRow(ModelProfile Profile, double? Macs, Latency? Latency, InferenceRuntime? Runtime = null,
    bool PrecisionFellBack = false, string? Note = null);

/// <summary>The comparison table's measurements: layers, parameters, GFLOPs (or MACs) and, with speed, latency per model.</summary>
public static class Comparison
{
    /// <summary>Loads <paramref name="name"/> (a model YAML or a checkpoint) on the CPU and measures it as <paramref name="o"/> says; the model is released before returning.</summary>
    public static CompareRow Measure(string name, ComparisonOptions o)
    {
        var loaded = ModelLoader.Load(name, nc: o.Nc);
        using var model = loaded.Model;
        if (o.Fused) model.Fuse();
        var profile = ModelProfile.Measure(model, o.ImgSz, o.Rule);
        double? macs = o.Macs ? MacCounter.Count(model, o.ImgSz, o.ImgSz, o.Convention) : null;
        if (!o.Speed) return new CompareRow(profile, macs, null);
        var plan = o.Precision == Precision.Int8 && o.Runtime != InferenceRuntime.Torch ? ForwardBenchmark.Int8Plan(loaded, o.Int8) : null;
        using var runner = InferenceRunner.Create(model, o.Precision, o.Runtime, plan);
        var latency = LatencyMeter.Measure(runner.Run, model.Definition.InputChannels, o.ImgSz, o.Runs);
        return new CompareRow(profile, macs, latency, runner.Runtime, runner.Precision != o.Precision, runner.Note);
    }
}
