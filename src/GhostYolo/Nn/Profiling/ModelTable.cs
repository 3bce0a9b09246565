using TorchSharp;

namespace GhostYolo.Nn.Profiling;

/// <summary>One row of ultralytics' per-layer summary: index, from, n, params, module, arguments.</summary>
internal sealed record LayerRow(int Index, string From, int Repeats, long Parameters, string Module, string Arguments);

/// <summary>One parameter tensor (<c>summary --verbose</c>).</summary>
internal sealed record ParameterRow(string Name, bool RequiresGrad, long Count, long[] Shape);

/// <summary>Builds the per-layer summary table of a model.</summary>
internal static class ModelTable
{
    /// <summary>Every parameter tensor in state-dict order.</summary>
    public static IReadOnlyList<ParameterRow> Parameters(DetectionModel model) =>
        model.named_parameters().Select(p => new ParameterRow(p.name, p.parameter.requires_grad, p.parameter.numel(), p.parameter.shape)).ToList();

    public static IReadOnlyList<LayerRow> Rows(DetectionModel model)
        => model.Layers.Select((l, i) => new LayerRow(
            l.Index,
            l.From.Length == 1 ? l.From[0].ToString() : "[" + string.Join(", ", l.From) + "]",
            l.Repeats,
            ModelProfile.LayerParameters(model.Modules[i]),
            l.Module,
            "[" + string.Join(", ", l.Args.Select(LayerContext.FormatArg)) + "]")).ToList();
}
