using GhostYolo.Nn.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// GhostNetV2 bottleneck (Tang et al., NeurIPS 2022; huawei-noah ghostnetv2_torch <c>GhostBottleneckV2</c>): like the GhostNet
/// bottleneck, but ghost1 is a <see cref="GhostModuleV2"/> whose mode is decided by <c>layer_id</c> (≤ 1 → 'original', else 'attn');
/// ghost2 is always 'original'. <c>layer_id</c> is an explicit integer here, so the reference's <c>None &lt;= 1</c> crash cannot happen.
/// Keys <c>ghost1</c>, <c>conv_dw</c>, <c>bn_dw</c>, <c>se</c>, <c>ghost2</c>, <c>shortcut</c>.
/// </summary>
internal sealed class GhostBottleneckV2 : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly GhostModuleV2 ghost1, ghost2;
    private readonly Conv2d? conv_dw;
    private readonly BatchNorm2d? bn_dw;
    private readonly SqueezeExcite? se;
    private readonly nn.Module<Tensor, Tensor> shortcut;

    public GhostBottleneckV2(long inChs, long midChs, long outChs, long dwKernelSize = 3, long stride = 1, double seRatio = 0.0, int layerId = 0)
        : base(nameof(GhostBottleneckV2))
    {
        ghost1 = new GhostModuleV2(inChs, midChs, relu: true, mode: ModeFor(layerId));
        if (stride > 1) (conv_dw, bn_dw) = GhostBottleneckV1.DepthwiseDown(midChs, dwKernelSize, stride);
        if (seRatio > 0) se = new SqueezeExcite(midChs, seRatio);
        ghost2 = new GhostModuleV2(midChs, outChs, relu: false, mode: GhostModuleMode.Original);
        shortcut = GhostBottleneckV1.Shortcut(inChs, outChs, dwKernelSize, stride);
        RegisterComponents();
    }

    /// <summary>The reference rule: the first two blocks of the network (layer_id 0 and 1) skip DFC attention.</summary>
    public static GhostModuleMode ModeFor(int layerId) => layerId <= 1 ? GhostModuleMode.Original : GhostModuleMode.Attn;

    private GhostBottleneckBody Body => new(ghost1, conv_dw, bn_dw, se, ghost2, shortcut);

    public override Tensor forward(Tensor x) => Body.Forward(x);

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [Body.Export(g, x[0])];

    /// <summary>
    /// YAML <c>[c2, mid, k=3, s=1, se_ratio=0, layer_id=0]</c>. layer_id is the block's index in the GhostNetV2 block list
    /// (0-based); the default 0 gives 'original' mode. c2 and mid are width-scaled like <see cref="GhostBottleneckV1"/>.
    /// </summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(2, 6, "[c2, mid, k=3, s=1, se_ratio=0, layer_id=0]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2")), mid = GhostBottleneckV1.ScaleHidden(ctx, ctx.Int(1, "mid"));
        var m = new GhostBottleneckV2(c1, mid, c2, ctx.Int(2, "k", 3), ctx.Int(3, "s", 1), ctx.Double(4, "se_ratio", 0.0), ctx.Int(5, "layer_id", 0));
        return new LayerBuild(m, c2, [c1, mid, c2, .. ctx.Args.Skip(2)]);
    }
}
