using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// FasterNet's block (Chen et al., CVPR 2023; JierunChen/FasterNet <c>MLPBlock</c>): x + DropPath(mlp(PConv(x))) with
/// mlp = 1×1 conv to dim·mlp_ratio → BN → act → 1×1 conv back to dim (no BN/act after the add, no BN after PConv).
/// With layer_scale_init_value &gt; 0 a learnable per-channel γ scales the branch. Keys <c>spatial_mixing</c>, <c>mlp.{0,1,2,3}</c>,
/// <c>drop_path</c>, <c>layer_scale</c>.
/// </summary>
internal sealed class MLPBlock : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly PConv spatial_mixing;
    private readonly nn.Module<Tensor, Tensor> mlp, drop_path;
    private readonly Parameter? layer_scale;

    /// <param name="act">Creates the block's activation (FasterNet makes a fresh <c>act_layer()</c> per block).</param>
    public MLPBlock(long dim, Func<nn.Module<Tensor, Tensor>> act, long nDiv = 4, double mlpRatio = 2.0, double dropPath = 0.0,
        double layerScaleInitValue = 0.0, PConvForward pconvForward = PConvForward.SplitCat) : base(nameof(MLPBlock))
    {
        long hidden = (long)(dim * mlpRatio);
        drop_path = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        mlp = nn.Sequential(
            nn.Conv2d(dim, hidden, (1, 1), bias: false),
            Activations.BatchNorm(hidden),
            act(),
            nn.Conv2d(hidden, dim, (1, 1), bias: false));
        spatial_mixing = new PConv(dim, nDiv, pconvForward);
        if (layerScaleInitValue > 0) layer_scale = new Parameter(full(dim, layerScaleInitValue), requires_grad: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var branch = PointwiseGemm.Run(mlp, spatial_mixing.call(x));           // (B, dim, H, W)
        if (layer_scale is not null) branch = layer_scale.view(-1, 1, 1) * branch;
        return Scalars.Add(x, drop_path.call(branch));
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var branch = g.Apply(mlp, g.Apply(spatial_mixing, x[0]));
        if (layer_scale is not null) branch = g.Node("Mul", [g.Weight(layer_scale.view(-1, 1, 1)), branch]);
        return [g.Node("Add", [x[0], g.Apply(drop_path, branch)])];
    }
}
