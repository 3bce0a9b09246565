using GhostYolo.Engine;
using GhostYolo.Nn.Profiling;

namespace GhostYolo.Benchmarks;

/// <summary>What <see cref="SummaryTask"/> loads and counts.</summary>
/// <param name="Model">A model YAML (path or name such as <c>yolov8s.yaml</c>) or a checkpoint.</param>
/// <param name="Nc">Class count for a model YAML; null: the YAML's.</param>
/// <param name="ImgSz">Input size of the GFLOPs count.</param>
/// <param name="Fused">Fold BatchNorm into convs before counting.</param>
/// <param name="Rule">How layers are counted.</param>
internal sealed record SummaryTaskOptions(string Model, int? Nc = null, int ImgSz = 640, bool Fused = false, LayerRule Rule = LayerRule.Modules);

/// <summary>One model's summary: its layer table, every parameter tensor, and the closing line's counts.</summary>
internal sealed record SummaryResult(IReadOnlyList<LayerRow> Layers, IReadOnlyList<ParameterRow> Parameters, ModelProfile Profile);

/// <summary>
/// <c>ghostyolo summary</c> as a task: loads a model on the CPU, lists its layers (ultralytics' <c>model.info()</c> table)
/// and parameter tensors, and profiles it; the model is released before returning. Internal: its rows are the profiler's.
/// </summary>
internal sealed class SummaryTask(SummaryTaskOptions options)
{
    public SummaryTaskOptions Options { get; } = options;

    public SummaryResult Run()
    {
        using var m = ModelLoader.Load(Options.Model, nc: Options.Nc).Model;
        if (Options.Fused) m.Fuse();
        return new SummaryResult(ModelTable.Rows(m), ModelTable.Parameters(m), ModelProfile.Measure(m, Options.ImgSz, Options.Rule));
    }
}
