using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// CSP bottleneck with 3 convolutions (YOLOv5 <c>C3</c>): cv3(cat(m(cv1 x), cv2 x)). The inner block is pluggable
/// (C3Ghost, C3_Faster). Keys <c>cv1</c>, <c>cv2</c>, <c>cv3</c>, <c>m.i</c>.
/// </summary>
internal class C3 : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv cv1, cv2, cv3;
    private readonly nn.Module<Tensor, Tensor> m;

    public C3(long c1, long c2, int n, bool shortcut, long g, double e, nn.Module<Tensor, Tensor> act, BlockFactory? block = null)
        : base(nameof(C3))
    {
        long c = (long)(c2 * e);
        cv1 = new Conv(c1, c, 1, 1, act);
        cv2 = new Conv(c1, c, 1, 1, act);
        cv3 = new Conv(2 * c, c2, 1, 1, act);
        block ??= ch => new Bottleneck(ch, ch, shortcut, g, (1, 3), 1.0, act);
        m = nn.Sequential(Enumerable.Range(0, n).Select(_ => block(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => cv3.call(cat([m.call(cv1.call(x)), cv2.call(x)], 1));

    public string[] ExportOnnx(OnnxGraph g, string[] x)
        => g.Module(cv3, g.Node("Concat", [g.Apply(m, g.Apply(cv1, x[0])), g.Apply(cv2, x[0])], ("axis", 1L)));

    /// <summary>Factory for any C3-shaped YAML module <c>[c2, shortcut=True, g=1, e=0.5]</c> with n inserted.</summary>
    public static LayerBuild BuildWith(LayerContext ctx, Func<LayerContext, BlockFactory?> block)
    {
        ctx.ExpectArgs(1, 4, "[c2, shortcut=True, g=1, e=0.5]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        var module = new C3(c1, c2, ctx.Repeats, ctx.Bool(1, "shortcut", true), ctx.Int(2, "g", 1), ctx.Double(3, "e", 0.5), ctx.Act, block(ctx));
        return new LayerBuild(module, c2, [c1, c2, ctx.Repeats, .. ctx.Args.Skip(1)]);
    }

    public static LayerBuild Build(LayerContext ctx) => BuildWith(ctx, _ => null);
}
