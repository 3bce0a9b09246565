using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// The GhostNet / GhostNetV2 classifier tail (huawei-noah ghostnet_pytorch <c>GhostNet.forward</c> after the blocks):
/// global pool → conv_head 1×1 to 1280 with bias → ReLU → flatten → dropout → Linear. Returns logits (B, classes), like the reference.
/// Keys <c>global_pool</c>, <c>conv_head</c>, <c>act2</c>, <c>classifier</c>.
/// </summary>
internal sealed class GhostNetHead : nn.Module<Tensor, Tensor>
{
    private readonly AdaptiveAvgPool2d global_pool;
    private readonly Conv2d conv_head;
    private readonly nn.Module<Tensor, Tensor> act2;
    private readonly Linear classifier;
    private readonly double dropout;

    public GhostNetHead(long c1, long classes, long hidden = 1280, double dropout = 0.2) : base(nameof(GhostNetHead))
    {
        global_pool = nn.AdaptiveAvgPool2d(1);
        conv_head = nn.Conv2d(c1, hidden, 1, bias: true);
        act2 = nn.ReLU(inplace: true);
        classifier = nn.Linear(hidden, classes);
        this.dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = act2.call(conv_head.call(global_pool.call(x))).flatten(1);       // (B, hidden)
        if (dropout > 0) y = nn.functional.dropout(y, dropout, training);
        return classifier.call(y);                                                // (B, classes)
    }

    /// <summary>YAML <c>[classes, hidden=1280, dropout=0.2]</c>; classes and hidden are read raw (never width-scaled), as in the reference.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[classes, hidden=1280, dropout=0.2]");
        int c1 = ctx.C1, classes = ctx.Int(0, "classes"), hidden = ctx.Int(1, "hidden", 1280);
        var m = new GhostNetHead(c1, classes, hidden, ctx.Double(2, "dropout", 0.2));
        return new LayerBuild(m, classes, [c1, classes, .. ctx.Args.Skip(1)]);
    }
}
