using GhostYolo.Nn.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// FasterNet's stem (Chen et al., CVPR 2023; JierunChen/FasterNet <c>PatchEmbed</c>, YAML <c>PatchEmbed_FasterNet</c>):
/// Conv2d(k = patch, stride, no bias) → BN. Keys <c>proj</c>, <c>norm</c>. Fusable, like the YOLO ports' patched <c>fuse()</c>.
/// </summary>
internal sealed class PatchEmbed : nn.Module<Tensor, Tensor>, IFusable, IOnnxExportable
{
    private Conv2d proj;
    private BatchNorm2d? norm;

    public PatchEmbed(long inChans, long embedDim, long patchSize = 4, long patchStride = 4) : base(nameof(PatchEmbed))
    {
        proj = nn.Conv2d(inChans, embedDim, (patchSize, patchSize), stride: (patchStride, patchStride), bias: false);
        norm = Activations.BatchNorm(embedDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => norm is null ? proj.call(x) : norm.call(proj.call(x));   // (B, embed, H/s, W/s)

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [norm is null ? g.Apply(proj, x[0]) : g.Apply(norm, g.Apply(proj, x[0]))];

    /// <summary>Folds <c>norm</c> into <c>proj</c> (the conv gains a bias; the BN is removed).</summary>
    public void Fuse()
    {
        if (norm is null) return;
        proj = Fusion.FoldBatchNorm(proj, norm);
        _internal_submodules.Remove("norm");
        _internal_submodules["proj"] = proj;
        norm.Dispose();
        norm = null;
    }

    /// <summary>YAML <c>[embed, patch=4, stride=4]</c>; embed is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[embed, patch=4, stride=4]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "embed"));
        return new LayerBuild(new PatchEmbed(c1, c2, ctx.Int(1, "patch", 4), ctx.Int(2, "stride", 4)), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
