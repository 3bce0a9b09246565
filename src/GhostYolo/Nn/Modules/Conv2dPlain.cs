using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// A bare <c>nn.Conv2d</c> with 'same' padding k//2 as a YAML layer (the baseline of the GhostNet paper's Ghost-vs-conv comparison).
/// The layer is the TorchSharp Conv2d itself, so its keys are <c>weight</c> / <c>bias</c> like a torch <c>nn.Conv2d</c> row.
/// </summary>
internal static class Conv2dPlain
{
    /// <summary>YAML <c>[c2, k=1, s=1, bias=True]</c>; c2 is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 4, "[c2, k=1, s=1, bias=True]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2")), k = ctx.Int(1, "k", 1), s = ctx.Int(2, "s", 1);
        var conv = nn.Conv2d(c1, c2, (k, k), stride: (s, s), padding: (k / 2, k / 2), bias: ctx.Bool(3, "bias", true));
        return new LayerBuild(conv, c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
