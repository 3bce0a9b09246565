using TorchSharp;

namespace GhostYolo.Nn.Profiling;

/// <summary>One row of ultralytics' per-layer summary: index, from, n, params, module, arguments.</summary>
public sealed record LayerRow(int Index, string From, int Repeats, long Parameters, string Module, string Arguments);

/// <summary>Builds the per-layer summary table of a model.</summary>
public static class ModelTable
{
    public static IReadOnlyList<LayerRow> Rows(DetectionModel model)
        => model.Layers.Select((l, i) => new LayerRow(
            l.Index,
            l.From.Length == 1 ? l.From[0].ToString() : "[" + string.Join(", ", l.From) + "]",
            l.Repeats,
            ModelProfile.LayerParameters(model.Modules[i]),
            l.Module,
            "[" + string.Join(", ", l.Args.Select(LayerContext.FormatArg)) + "]")).ToList();
}
