using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>Spatial pyramid pooling, fast (ultralytics <c>SPPF</c>): three chained k×k max-pools concatenated.</summary>
internal sealed class SPPF : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv cv1, cv2;
    private readonly TorchSharp.Modules.MaxPool2d m;

    public SPPF(long c1, long c2, long k, nn.Module<Tensor, Tensor> act) : base(nameof(SPPF))
    {
        long c = c1 / 2;
        cv1 = new Conv(c1, c, 1, 1, act);
        cv2 = new Conv(c * 4, c2, 1, 1, act);
        m = nn.MaxPool2d(k, 1, k / 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var a = cv1.call(x);
        var b = m.call(a);
        var c = m.call(b);
        return cv2.call(cat([a, b, c, m.call(c)], 1));
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var a = g.Apply(cv1, x[0]);
        var b = g.Apply(m, a);
        var c = g.Apply(m, b);
        return g.Module(cv2, g.Node("Concat", [a, b, c, g.Apply(m, c)], ("axis", 1L)));
    }

    /// <summary>YAML <c>[c2, k=5]</c>.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 2, "[c2, k=5]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        return new LayerBuild(new SPPF(c1, c2, ctx.Int(1, "k", 5), ctx.Act), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
