using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// GhostNet's squeeze-and-excitation (huawei-noah ghostnet_pytorch / ghostnetv2 <c>SqueezeExcite</c>): global pool →
/// 1×1 conv with bias to _make_divisible(c·se_ratio, 4) → ReLU → 1×1 conv with bias back to c → gate x with hard_sigmoid.
/// </summary>
internal sealed class SqueezeExcite : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly AdaptiveAvgPool2d avg_pool;
    private readonly Conv2d conv_reduce, conv_expand;
    private readonly nn.Module<Tensor, Tensor> act1;

    public SqueezeExcite(long inChs, double seRatio = 0.25, int divisor = 4) : base(nameof(SqueezeExcite))
    {
        long reduced = GhostNetChannels.MakeDivisible(inChs * seRatio, divisor);
        avg_pool = nn.AdaptiveAvgPool2d(1);
        conv_reduce = nn.Conv2d(inChs, reduced, 1, bias: true);
        act1 = nn.ReLU(inplace: true);
        conv_expand = nn.Conv2d(reduced, inChs, 1, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var s = PointwiseGemm.Run(conv_expand, act1.call(PointwiseGemm.Run(conv_reduce, avg_pool.call(x))));  // (B, C, 1, 1)
        return x * HardSigmoid(s);
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var s = g.Apply(conv_expand, g.Apply(act1, g.Apply(conv_reduce, g.Apply(avg_pool, x[0]))));
        return [g.Node("Mul", [x[0], g.Node("HardSigmoid", [s], ("alpha", 1.0 / 6), ("beta", 0.5))])];
    }

    /// <summary>GhostNet's <c>hard_sigmoid</c>: relu6(x + 3) / 6.</summary>
    public static Tensor HardSigmoid(Tensor x) => nn.functional.relu6(x.add(Scalars.Three)).div(Scalars.Six);

    /// <summary>YAML <c>[se_ratio=0.25]</c>; output channels = input channels.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(0, 1, "[se_ratio=0.25]");
        int c1 = ctx.C1;
        return new LayerBuild(new SqueezeExcite(c1, ctx.Double(0, "se_ratio", 0.25)), c1, [c1, .. ctx.Args]);
    }
}
