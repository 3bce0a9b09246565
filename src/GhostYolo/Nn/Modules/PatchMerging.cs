using GhostYolo.Nn.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// FasterNet's downsampling between stages (Chen et al., CVPR 2023; JierunChen/FasterNet <c>PatchMerging</c>, YAML
/// <c>PatchMerging_FasterNet</c>): Conv2d(dim, out, k, stride, no bias) → BN (out = 2·dim in FasterNet). Keys <c>reduction</c>, <c>norm</c>.
/// Fusable, like the YOLO ports' patched <c>fuse()</c>.
/// </summary>
internal sealed class PatchMerging : nn.Module<Tensor, Tensor>, IFusable, IOnnxExportable
{
    private Conv2d reduction;
    private BatchNorm2d? norm;

    public PatchMerging(long dim, long outDim, long patchSize = 2, long patchStride = 2) : base(nameof(PatchMerging))
    {
        reduction = nn.Conv2d(dim, outDim, (patchSize, patchSize), stride: (patchStride, patchStride), bias: false);
        norm = Activations.BatchNorm(outDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => norm is null ? reduction.call(x) : norm.call(reduction.call(x));   // (B, out, H/s, W/s)

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [norm is null ? g.Apply(reduction, x[0]) : g.Apply(norm, g.Apply(reduction, x[0]))];

    /// <summary>Folds <c>norm</c> into <c>reduction</c> (the conv gains a bias; the BN is removed).</summary>
    public void Fuse()
    {
        if (norm is null) return;
        reduction = Fusion.FoldBatchNorm(reduction, norm);
        _internal_submodules.Remove("norm");
        _internal_submodules["reduction"] = reduction;
        norm.Dispose();
        norm = null;
    }

    /// <summary>YAML <c>[out, k=2, stride=2]</c>; out is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[out, k=2, stride=2]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "out"));
        return new LayerBuild(new PatchMerging(c1, c2, ctx.Int(1, "k", 2), ctx.Int(2, "stride", 2)), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
