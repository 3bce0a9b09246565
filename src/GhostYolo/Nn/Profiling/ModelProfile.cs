using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Profiling;

/// <summary>How to count "layers" — ultralytics changed the rule between versions.</summary>
public enum LayerRule
{
    /// <summary>ultralytics 8.0–8.2 and YOLOv5: <c>len(list(model.modules()))</c>, shared instances once (the published tables).</summary>
    Modules,
    /// <summary>ultralytics ≥ 8.3: unique leaf modules only.</summary>
    Leaves,
}

/// <summary>One model's counts, as in ultralytics' summary line and GhostYolo's comparison tables.</summary>
/// <param name="Name">The model's display name (<c>YOLOv8n</c>).</param>
/// <param name="Fused">Whether it was counted after BatchNorm fusion.</param>
/// <param name="Layers">Layers, by the <see cref="LayerRule"/> used.</param>
/// <param name="Parameters">Parameters (shared ones once).</param>
/// <param name="Gradients">Parameters that require gradients.</param>
/// <param name="GFlops">GFLOPs of one forward pass at the size measured (2 × multiply-accumulates, as ultralytics reports).</param>
/// <param name="SizeKb">Size of the weights saved in fp16, in kB (1024 bytes).</param>
public sealed record ModelProfile(string Name, bool Fused, int Layers, long Parameters, long Gradients, double GFlops, double SizeKb)
{
    /// <summary>ultralytics' closing line, e.g. <c>YOLOv8s summary: 225 layers, 11,166,560 parameters, 11,166,544 gradients, 28.8 GFLOPs</c>.</summary>
    public string SummaryLine =>
        $"{Name} summary{(Fused ? " (fused)" : "")}: {Layers:N0} layers, {Parameters:N0} parameters, {Gradients:N0} gradients, {GFlops:0.0} GFLOPs";

    /// <summary>Counts layers, parameters, gradients, GFLOPs at <paramref name="imgsz"/> and the fp16 weight size.</summary>
    public static ModelProfile Measure(DetectionModel model, int imgsz = 640, LayerRule rule = LayerRule.Modules)
    {
        var modules = ModuleTree.Unique(model).ToList();
        int layers = rule == LayerRule.Modules ? modules.Count : modules.Count(m => !m.named_children().Any());
        var parameters = UniqueParameters(model).ToList();
        long nParams = parameters.Sum(p => p.numel());
        long nGrads = parameters.Where(p => p.requires_grad).Sum(p => p.numel());
        // Size of the weights saved in fp16 (parameters + floating buffers), in kB (1024 bytes).
        long floating = model.state_dict().Values.Where(t => t.is_floating_point()).Sum(t => t.numel());
        double gflops = model.Head is null && model.Layers.Count > 0 ? MacCounter.Count(model, imgsz, imgsz) * 2 / 1e9 : MacCounter.GFlops(model, imgsz);
        return new ModelProfile(model.Definition.DisplayName, model.IsFused, layers, nParams, nGrads, gflops, floating * 2 / 1024.0);
    }

    /// <summary>Distinct parameters (a tensor registered in two places counts once, like <c>model.parameters()</c>).</summary>
    internal static IEnumerable<TorchSharp.Modules.Parameter> UniqueParameters(nn.Module module)
    {
        var seen = new HashSet<IntPtr>();
        foreach (var p in module.parameters())
            if (seen.Add(p.Handle)) yield return p;
    }

    /// <summary>Parameters of one layer module (the <c>params</c> column of the summary table).</summary>
    internal static long LayerParameters(nn.Module layer) => UniqueParameters(layer).Sum(p => p.numel());
}
