using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// The official GhostNet bottleneck (GhostNet, Han et al., CVPR 2020; huawei-noah ghostnet_pytorch <c>GhostBottleneck</c>):
/// ghost1 (ReLU) → [depth-wise k×k stride s + BN when s &gt; 1] → [SE] → ghost2 (no ReLU) + shortcut, no activation after the add.
/// Keys <c>ghost1</c>, <c>conv_dw</c>, <c>bn_dw</c>, <c>se</c>, <c>ghost2</c>, <c>shortcut</c>. Named V1 because
/// <see cref="GhostBottleneck"/> is the ultralytics block.
/// </summary>
internal sealed class GhostBottleneckV1 : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly GhostModule ghost1, ghost2;
    private readonly Conv2d? conv_dw;
    private readonly BatchNorm2d? bn_dw;
    private readonly SqueezeExcite? se;
    private readonly nn.Module<Tensor, Tensor> shortcut;

    public GhostBottleneckV1(long inChs, long midChs, long outChs, long dwKernelSize = 3, long stride = 1, double seRatio = 0.0)
        : base(nameof(GhostBottleneckV1))
    {
        ghost1 = new GhostModule(inChs, midChs, relu: true);
        if (stride > 1) (conv_dw, bn_dw) = DepthwiseDown(midChs, dwKernelSize, stride);
        if (seRatio > 0) se = new SqueezeExcite(midChs, seRatio);
        ghost2 = new GhostModule(midChs, outChs, relu: false);
        shortcut = Shortcut(inChs, outChs, dwKernelSize, stride);
        RegisterComponents();
    }

    private GhostBottleneckBody Body => new(ghost1, conv_dw, bn_dw, se, ghost2, shortcut);

    public override Tensor forward(Tensor x) => Body.Forward(x);

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [Body.Export(g, x[0])];

    /// <summary>The stride-s depth-wise conv + BN between the two Ghost modules (reference <c>conv_dw</c>, <c>bn_dw</c>).</summary>
    internal static (Conv2d, BatchNorm2d) DepthwiseDown(long mid, long k, long stride) => (
        nn.Conv2d(mid, mid, (k, k), stride: (stride, stride), padding: ((k - 1) / 2, (k - 1) / 2), groups: mid, bias: false),
        Activations.BatchNorm(mid));

    /// <summary>Empty Sequential (identity) when shapes agree, else DW k×k stride s + BN + 1×1 + BN (reference shortcut).</summary>
    internal static nn.Module<Tensor, Tensor> Shortcut(long inChs, long outChs, long k, long stride)
        => inChs == outChs && stride == 1
            ? nn.Sequential()
            : nn.Sequential(
                nn.Conv2d(inChs, inChs, (k, k), stride: (stride, stride), padding: ((k - 1) / 2, (k - 1) / 2), groups: inChs, bias: false),
                Activations.BatchNorm(inChs),
                nn.Conv2d(inChs, outChs, (1, 1), bias: false),
                Activations.BatchNorm(outChs));

    /// <summary>
    /// YAML <c>[c2, mid, k=3, s=1, se_ratio=0]</c> (GhostNet cfgs row (k, exp, c, se, s) reordered YOLO-style, c2 first).
    /// c2 and mid are both width-scaled with ultralytics' rule, so at width 1.0 GhostNet's channels (all multiples of 8) are kept.
    /// </summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(2, 5, "[c2, mid, k=3, s=1, se_ratio=0]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2")), mid = ScaleHidden(ctx, ctx.Int(1, "mid"));
        var m = new GhostBottleneckV1(c1, mid, c2, ctx.Int(2, "k", 3), ctx.Int(3, "s", 1), ctx.Double(4, "se_ratio", 0.0));
        return new LayerBuild(m, c2, [c1, mid, c2, .. ctx.Args.Skip(2)]);
    }

    /// <summary>Width rule for hidden (expansion) channels: ultralytics' make_divisible(min(c, max)·width, 8) without the nc exception.</summary>
    internal static int ScaleHidden(LayerContext ctx, int c) => LayerContext.MakeDivisible(Math.Min(c, ctx.MaxChannels) * ctx.Width, 8);
}

/// <summary>
/// The bottleneck body shared by <see cref="GhostBottleneckV1"/> and <see cref="GhostBottleneckV2"/>, which differ only in
/// their Ghost modules: ghost1 → [depth-wise k×k stride s + BN] → [SE] → ghost2, plus the shortcut.
/// </summary>
internal readonly record struct GhostBottleneckBody(nn.Module<Tensor, Tensor> Ghost1, Conv2d? ConvDw, BatchNorm2d? BnDw, SqueezeExcite? Se,
    nn.Module<Tensor, Tensor> Ghost2, nn.Module<Tensor, Tensor> Shortcut)
{
    public Tensor Forward(Tensor x)
    {
        var y = Ghost1.call(x);                                          // (B, mid, H, W)
        if (ConvDw is not null) y = BnDw!.call(ConvDw.call(y));          // (B, mid, H/s, W/s)
        if (Se is not null) y = Se.call(y);
        return Scalars.Add(Ghost2.call(y), PointwiseGemm.Run(Shortcut, x)); // (B, out, H/s, W/s)
    }

    public string Export(OnnxGraph g, string x)
    {
        var y = g.Apply(Ghost1, x);
        if (ConvDw is not null) y = g.Apply(BnDw!, g.Apply(ConvDw, y));
        if (Se is not null) y = g.Apply(Se, y);
        return g.Node("Add", [g.Apply(Ghost2, y), g.Apply(Shortcut, x)]);
    }
}
