using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>YAML <c>nn.Upsample [size=None, scale_factor, mode]</c>, built on TorchSharp's Upsample.</summary>
internal static class Upsample
{
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[size=None, scale_factor=2, mode='nearest']");
        if (ctx.Args[0] is not null) throw ctx.Fail("only size=None is supported; give scale_factor instead");
        double f = ctx.Double(1, "scale_factor", 2);
        var mode = ctx.String(2, "mode", "nearest") switch
        {
            "nearest" => UpsampleMode.Nearest,
            "bilinear" => UpsampleMode.Bilinear,
            var other => throw ctx.Fail($"unsupported mode '{other}' (use 'nearest' or 'bilinear')"),
        };
        var module = nn.Upsample(scale_factor: [f, f], mode: mode);
        return new LayerBuild(module, ctx.C1, ctx.Args);
    }
}
