using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>Standard bottleneck: two convs with an optional residual (ultralytics <c>Bottleneck</c>).</summary>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv cv1, cv2;
    private readonly bool add;

    public Bottleneck(long c1, long c2, bool shortcut, long g, (long, long) k, double e, nn.Module<Tensor, Tensor> act)
        : base(nameof(Bottleneck))
    {
        long c = (long)(c2 * e);
        cv1 = new Conv(c1, c, k.Item1, 1, act);
        cv2 = new Conv(c, c2, k.Item2, 1, act, g: g);
        add = shortcut && c1 == c2;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => add ? Scalars.Add(x, cv2.call(cv1.call(x))) : cv2.call(cv1.call(x));

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var y = g.Apply(cv2, g.Apply(cv1, x[0]));
        return [add ? g.Node("Add", [x[0], y]) : y];
    }

    /// <summary>YAML <c>[c2, shortcut=True, g=1, k=(3,3), e=0.5]</c>.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 4, "[c2, shortcut=True, g=1, e=0.5]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        var m = new Bottleneck(c1, c2, ctx.Bool(1, "shortcut", true), ctx.Int(2, "g", 1), (3, 3), ctx.Double(3, "e", 0.5), ctx.Act);
        return new LayerBuild(m, c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
