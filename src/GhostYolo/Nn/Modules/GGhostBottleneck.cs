using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// The RegNet-X bottleneck of G-GhostNet (Han et al., IJCV 2022, "GhostNets on Heterogeneous Devices via Cheap Operations";
/// huawei-noah g_ghost_regnet <c>Bottleneck</c>, expansion 1): 1×1 → BN → ReLU → 3×3 grouped (groups = width / min(width, group_width))
/// → BN → ReLU → 1×1 → BN, + identity, ReLU. One ReLU instance is shared by all three uses. With the default group_width 1 the 3×3
/// is depth-wise (the block YOLO "C2f_g_ghostBottleneck" posts use). Keys <c>conv1..3</c>, <c>bn1..3</c>, <c>relu</c>, <c>downsample</c>.
/// </summary>
internal sealed class GGhostBottleneck : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly nn.Module<Tensor, Tensor> relu;
    private readonly nn.Module<Tensor, Tensor>? downsample;

    /// <param name="downsample">The reference's optional identity projection; null when inplanes == planes and stride 1.</param>
    public GGhostBottleneck(long inplanes, long planes, long stride = 1, long groupWidth = 1, long dilation = 1,
        nn.Module<Tensor, Tensor>? downsample = null) : base(nameof(GGhostBottleneck))
    {
        long width = planes;   // expansion = 1
        conv1 = nn.Conv2d(inplanes, width, (1, 1), bias: false);
        bn1 = Activations.BatchNorm(width);
        conv2 = nn.Conv2d(width, width, (3, 3), stride: (stride, stride), padding: (dilation, dilation), dilation: (dilation, dilation),
            groups: width / Math.Min(width, groupWidth), bias: false);
        bn2 = Activations.BatchNorm(width);
        conv3 = nn.Conv2d(width, planes, (1, 1), bias: false);
        bn3 = Activations.BatchNorm(planes);
        relu = nn.ReLU(inplace: true);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = relu.call(bn1.call(PointwiseGemm.Run(conv1, x)));       // (B, w, H, W)
        y = relu.call(bn2.call(conv2.call(y)));                          // (B, w, H/s, W/s)
        y = bn3.call(PointwiseGemm.Run(conv3, y));                       // (B, planes, H/s, W/s)
        var identity = downsample is null ? x : PointwiseGemm.Run(downsample, x);
        return relu.call(Scalars.Add(y, identity));
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var y = g.Apply(relu, g.Apply(bn1, g.Apply(conv1, x[0])));
        y = g.Apply(relu, g.Apply(bn2, g.Apply(conv2, y)));
        y = g.Apply(bn3, g.Apply(conv3, y));
        var identity = downsample is null ? x[0] : g.Apply(downsample, x[0]);
        return [g.Apply(relu, g.Node("Add", [y, identity]))];
    }

    /// <summary>The ResNet/RegNet <c>_make_layer</c> projection: 1×1 conv stride s (no bias) + BN.</summary>
    public static nn.Module<Tensor, Tensor> Downsample(long inplanes, long planes, long stride)
        => nn.Sequential(nn.Conv2d(inplanes, planes, (1, 1), stride: (stride, stride), bias: false), Activations.BatchNorm(planes));

    /// <summary>
    /// YAML <c>[c2, s=1, group_width=1]</c>; c2 is width-scaled. When c1 ≠ c2 or s ≠ 1 the factory adds the RegNet
    /// <c>downsample</c> projection (the reference block would otherwise fail on the residual add).
    /// </summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[c2, s=1, group_width=1]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2")), s = ctx.Int(1, "s", 1);
        var down = c1 != c2 || s != 1 ? Downsample(c1, c2, s) : null;
        return new LayerBuild(new GGhostBottleneck(c1, c2, s, ctx.Int(2, "group_width", 1), 1, down), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
