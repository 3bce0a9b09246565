using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// Ghost bottleneck as in YOLOv5/ultralytics <c>GhostBottleneck</c> (GhostConv → [DWConv s2] → GhostConv, plus shortcut).
/// The official GhostNet bottleneck (in, mid, out, SE) is a separate block.
/// </summary>
internal sealed class GhostBottleneck : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly nn.Module<Tensor, Tensor> conv, shortcut;

    public GhostBottleneck(long c1, long c2, long k, long s, nn.Module<Tensor, Tensor> act) : base(nameof(GhostBottleneck))
    {
        long c = c2 / 2;
        conv = nn.Sequential(
            new GhostConv(c1, c, 1, 1, 1, act),
            s == 2 ? new DWConv(c, c, k, s, Activations.Identity()) : nn.Identity(),
            new GhostConv(c, c2, 1, 1, 1, null));
        shortcut = s == 2
            ? nn.Sequential(new DWConv(c1, c1, k, s, Activations.Identity()), new Conv(c1, c2, 1, 1, Activations.Identity()))
            : nn.Identity();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Scalars.Add(conv.call(x), shortcut.call(x));

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [g.Node("Add", [g.Apply(conv, x[0]), g.Apply(shortcut, x[0])])];

    /// <summary>YAML <c>[c2, k=3, s=1]</c>.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 3, "[c2, k=3, s=1]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        return new LayerBuild(new GhostBottleneck(c1, c2, ctx.Int(1, "k", 3), ctx.Int(2, "s", 1), ctx.Act), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
