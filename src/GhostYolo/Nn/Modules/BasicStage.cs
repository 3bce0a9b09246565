using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// One FasterNet stage (Chen et al., CVPR 2023; JierunChen/FasterNet <c>BasicStage</c>): <c>depth</c> <see cref="MLPBlock"/>s at
/// constant width. Key <c>blocks.i</c>.
/// </summary>
internal sealed class BasicStage : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> blocks;

    /// <param name="dropPath">Per-block drop-path rates (FasterNet spreads 0 → rate linearly over all blocks); length = depth.</param>
    public BasicStage(long dim, int depth, Func<nn.Module<Tensor, Tensor>> act, long nDiv = 4, double mlpRatio = 2.0,
        IReadOnlyList<double>? dropPath = null, double layerScaleInitValue = 0.0, PConvForward pconvForward = PConvForward.SplitCat)
        : base(nameof(BasicStage))
    {
        if (dropPath is not null && dropPath.Count != depth)
            throw new ArgumentException($"expected {depth} drop-path rates, got {dropPath.Count}", nameof(dropPath));
        blocks = nn.Sequential(Enumerable.Range(0, depth)
            .Select(i => (nn.Module<Tensor, Tensor>)new MLPBlock(dim, act, nDiv, mlpRatio, dropPath?[i] ?? 0.0, layerScaleInitValue, pconvForward))
            .ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => blocks.call(x);

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [g.Apply(blocks, x[0])];

    /// <summary>
    /// YAML <c>[dim, depth=1, n_div=4, mlp_ratio=2, act='ReLU', drop_path=0.0 | [start, end]]</c>, following the FasterNet-backbone YOLOv8 YAMLs:
    /// the block works at dim = c1 (parse_model pops the scaled c2), so the width-scaled <c>dim</c> must equal c1.
    /// <c>act</c> (e.g. 'GELU' for T0/T1) and <c>drop_path</c> are GhostYolo extensions; the YOLO tutorial fixes ReLU and 0.
    /// </summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 6, "[dim, depth=1, n_div=4, mlp_ratio=2, act='ReLU', drop_path=0.0]");
        int c1 = ctx.C1, dim = ctx.ScaleWidth(ctx.Int(0, "dim")), depth = ctx.Int(1, "depth", 1);
        if (dim != c1) throw ctx.Fail($"dim {ctx.Int(0, "dim")} scales to {dim} but the input has {c1} channels; BasicStage keeps its input width, so write the previous layer's channels");
        if (depth < 1) throw ctx.Fail($"depth must be at least 1, got {depth}");
        var act = ActivationFactory(ctx, ctx.String(4, "act", "ReLU"));
        var m = new BasicStage(c1, depth, act, ctx.Int(2, "n_div", 4), ctx.Double(3, "mlp_ratio", 2.0), DropPathRates(ctx, 5, depth));
        return new LayerBuild(m, c1, [c1, .. ctx.Args.Skip(1)]);
    }

    /// <summary>
    /// drop_path as one rate for every block, or <c>[start, end]</c> spread linearly over the stage's blocks — the stage's slice of
    /// FasterNet's <c>linspace(0, drop_path_rate, sum(depths))</c>.
    /// </summary>
    internal static double[] DropPathRates(LayerContext ctx, int i, int depth)
    {
        double[] rates;
        if (i < ctx.ArgCount && ctx.Args[i] is IReadOnlyList<object?> pair)
        {
            if (pair.Count != 2) throw ctx.Fail($"drop_path must be a number or [start, end], got {LayerContext.FormatArg(pair)}");
            double start = Convert.ToDouble(pair[0], System.Globalization.CultureInfo.InvariantCulture);
            double end = Convert.ToDouble(pair[1], System.Globalization.CultureInfo.InvariantCulture);
            rates = Enumerable.Range(0, depth).Select(k => depth == 1 ? start : start + (end - start) * k / (depth - 1)).ToArray();
        }
        else rates = Enumerable.Repeat(ctx.Double(i, "drop_path", 0.0), depth).ToArray();
        if (rates.Any(r => r is < 0 or >= 1)) throw ctx.Fail($"drop_path rates must lie in [0, 1), got {LayerContext.FormatArg(ctx.Args[i])}");
        return rates;
    }

    /// <summary>Validates an activation name once and returns a factory making a fresh instance per use.</summary>
    internal static Func<nn.Module<Tensor, Tensor>> ActivationFactory(LayerContext ctx, string name)
    {
        using var probe = Activations.Parse(name) ?? throw ctx.Fail($"unknown activation '{name}' (use ReLU, GELU, SiLU, Hardswish …)");
        return () => Activations.Parse(name)!;
    }
}
