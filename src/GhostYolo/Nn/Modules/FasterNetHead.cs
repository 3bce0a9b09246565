using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// FasterNet's classifier (Chen et al., CVPR 2023; JierunChen/FasterNet <c>avgpool_pre_head</c> + <c>head</c>): global pool →
/// Conv2d(c, 1280, 1, no bias) → act → flatten → Linear. No dropout (the reference has none). Returns logits (B, classes).
/// Keys <c>avgpool_pre_head.1.weight</c>, <c>head.weight</c>, <c>head.bias</c>.
/// </summary>
internal sealed class FasterNetHead : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> avgpool_pre_head;
    private readonly Linear head;

    public FasterNetHead(long c1, long classes, nn.Module<Tensor, Tensor> act, long featureDim = 1280) : base(nameof(FasterNetHead))
    {
        avgpool_pre_head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c1, featureDim, (1, 1), bias: false), act);
        head = nn.Linear(featureDim, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.call(avgpool_pre_head.call(x).flatten(1));   // (B, classes)

    /// <summary>YAML <c>[classes, feature_dim=1280, act='ReLU']</c>; classes and feature_dim are read raw (never width-scaled).</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[classes, feature_dim=1280, act='ReLU']");
        int c1 = ctx.C1, classes = ctx.Int(0, "classes");
        var act = BasicStage.ActivationFactory(ctx, ctx.String(2, "act", "ReLU"));
        return new LayerBuild(new FasterNetHead(c1, classes, act(), ctx.Int(1, "feature_dim", 1280)), classes, [c1, classes, .. ctx.Args.Skip(1)]);
    }
}
