using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// Ghost convolution as in YOLOv5/ultralytics <c>GhostConv</c> (GhostNet, Han et al. 2020): half the channels from a
/// regular conv, the other half from a cheap 5×5 depth-wise conv on them.
/// </summary>
internal sealed class GhostConv : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv cv1, cv2;

    /// <param name="act">The shared default activation when ultralytics' <c>act=True</c>; null for <c>act=False</c>
    /// (each inner Conv then gets its own Identity, as in ultralytics — it matters for layer counts).</param>
    public GhostConv(long c1, long c2, long k, long s, long g, nn.Module<Tensor, Tensor>? act) : base(nameof(GhostConv))
    {
        long c = c2 / 2;
        cv1 = new Conv(c1, c, k, s, act ?? Activations.Identity(), g: g);
        cv2 = new Conv(c, c, 5, 1, act ?? Activations.Identity(), g: c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = cv1.call(x);
        return cat([y, cv2.call(y)], 1);
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var y = g.Apply(cv1, x[0]);
        return [g.Node("Concat", [y, g.Apply(cv2, y)], ("axis", 1L))];
    }

    /// <summary>YAML <c>[c2, k=1, s=1, g=1, act=True]</c>.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 5, "[c2, k=1, s=1, g=1, act=True]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        var act = ctx.Bool(4, "act", true) ? ctx.Act : null;
        return new LayerBuild(new GhostConv(c1, c2, ctx.Int(1, "k", 1), ctx.Int(2, "s", 1), ctx.Int(3, "g", 1), act), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
