using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// The FasterNet block as YOLOv8 ports use it (FasterNet, Chen et al., CVPR 2023; the widespread <c>Faster_Block</c> of
/// ultralytics-style block.py files): [adjust_channel 1×1 Conv when inc ≠ dim] → x + DropPath(mlp(PConv(x))) with
/// mlp = ultralytics <see cref="Conv"/>(dim, dim·mlp_ratio, 1) (BN + default act, fusable) → Conv2d(hidden, dim, 1, no bias).
/// Keys <c>mlp.0.conv</c>, <c>mlp.0.bn</c>, <c>mlp.1</c>, <c>spatial_mixing.partial_conv3</c>, <c>adjust_channel</c>, <c>drop_path</c>, <c>layer_scale</c>.
/// </summary>
internal sealed class FasterBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> mlp, drop_path;
    private readonly PConv spatial_mixing;
    private readonly Conv? adjust_channel;
    private readonly TorchSharp.Modules.Parameter? layer_scale;

    /// <param name="act">The model's shared default activation, used by the Conv layers (ultralytics <c>Conv.default_act</c>).</param>
    public FasterBlock(long inc, long dim, nn.Module<Tensor, Tensor> act, long nDiv = 4, double mlpRatio = 2.0, double dropPath = 0.1,
        double layerScaleInitValue = 0.0, PConvForward pconvForward = PConvForward.SplitCat) : base("Faster_Block")
    {
        long hidden = (long)(dim * mlpRatio);
        drop_path = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        mlp = nn.Sequential(new Conv(dim, hidden, 1, 1, act), nn.Conv2d(hidden, dim, (1, 1), bias: false));
        spatial_mixing = new PConv(dim, nDiv, pconvForward);
        if (inc != dim) adjust_channel = new Conv(inc, dim, 1, 1, act);
        if (layerScaleInitValue > 0) layer_scale = new TorchSharp.Modules.Parameter(full(dim, layerScaleInitValue), requires_grad: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (adjust_channel is not null) x = adjust_channel.call(x);            // (B, dim, H, W)
        var branch = PointwiseGemm.Run(mlp, spatial_mixing.call(x));          // (B, dim, H, W)
        if (layer_scale is not null) branch = layer_scale.view(-1, 1, 1) * branch;
        return Scalars.Add(x, drop_path.call(branch));
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var input = adjust_channel is null ? x[0] : g.Apply(adjust_channel, x[0]);
        var branch = g.Apply(mlp, g.Apply(spatial_mixing, input));
        if (layer_scale is not null) branch = g.Node("Mul", [g.Weight(layer_scale.view(-1, 1, 1)), branch]);
        return [g.Node("Add", [input, g.Apply(drop_path, branch)])];
    }

    /// <summary>YAML <c>Faster_Block</c> <c>[c2, n_div=4, mlp_ratio=2, drop_path=0.1]</c>; c2 is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 4, "[c2, n_div=4, mlp_ratio=2, drop_path=0.1]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        var m = new FasterBlock(c1, c2, ctx.Act, ctx.Int(1, "n_div", 4), ctx.Double(2, "mlp_ratio", 2.0), ctx.Double(3, "drop_path", 0.1));
        return new LayerBuild(m, c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
