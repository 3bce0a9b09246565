using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// GhostNet's plain conv unit (huawei-noah ghostnet_pytorch <c>ConvBnAct</c>): Conv2d(k, stride, pad k//2, no bias) → BN → ReLU.
/// Keys <c>conv</c>, <c>bn1</c>, <c>act1</c>. Its ReLU is its own (GhostNet ignores the YOLO default activation).
/// </summary>
internal sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn1;
    private readonly nn.Module<Tensor, Tensor> act1;

    public ConvBnAct(long inChs, long outChs, long kernelSize, long stride = 1) : base(nameof(ConvBnAct))
    {
        conv = nn.Conv2d(inChs, outChs, (kernelSize, kernelSize), stride: (stride, stride), padding: (kernelSize / 2, kernelSize / 2), bias: false);
        bn1 = Activations.BatchNorm(outChs);
        act1 = nn.ReLU(inplace: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => act1.call(bn1.call(PointwiseGemm.Run(conv, x)));

    /// <summary>YAML <c>[c2, k=1, s=1]</c>; c2 is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[c2, k=1, s=1]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        return new LayerBuild(new ConvBnAct(c1, c2, ctx.Int(1, "k", 1), ctx.Int(2, "s", 1)), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
