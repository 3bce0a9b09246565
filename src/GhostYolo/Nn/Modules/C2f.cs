using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>Builds the inner block of a C2f/C3 skeleton for <c>c</c> hidden channels.</summary>
internal delegate nn.Module<Tensor, Tensor> BlockFactory(long c);

/// <summary>
/// CSP bottleneck with 2 convolutions (YOLOv8 <c>C2f</c>): split cv1's output in two, chain n blocks on the last
/// half, concatenate every intermediate, fuse with cv2. The inner block is pluggable, which is how the
/// C2f_GhostBottleneck / C2f_Faster … wrappers reuse this skeleton (keys <c>cv1</c>, <c>cv2</c>, <c>m.i</c>).
/// </summary>
internal class C2f : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Conv cv1, cv2;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> m;
    private readonly long c;

    public C2f(long c1, long c2, int n, bool shortcut, long g, double e, nn.Module<Tensor, Tensor> act, BlockFactory? block = null)
        : base(nameof(C2f))
    {
        c = (long)(c2 * e);
        cv1 = new Conv(c1, 2 * c, 1, 1, act);
        cv2 = new Conv((2 + n) * c, c2, 1, 1, act);
        block ??= ch => new Bottleneck(ch, ch, shortcut, g, (3, 3), 1.0, act);
        m = nn.ModuleList(Enumerable.Range(0, n).Select(_ => block(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = new List<Tensor>(2 + m.Count);
        y.AddRange(cv1.call(x).chunk(2, 1));                 // two (B, c, H, W) halves
        foreach (var block in m) y.Add(block.call(y[^1]));
        return cv2.call(cat(y, 1));                            // (B, (2+n)c, H, W) → (B, c2, H, W)
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        // Two half convs instead of conv + Split: ONNX Runtime keeps convs in its blocked layout but not Split.
        var y = cv1.IsFused
            ? new List<string> { cv1.ExportOnnx(g, x[0], ..(int)c), cv1.ExportOnnx(g, x[0], (int)c..) }
            : g.Node("Split", [g.Apply(cv1, x[0]), g.Int64s(c, c)], 2, ("axis", 1L)).ToList();
        foreach (var block in m) y.Add(g.Apply(block, y[^1]));
        return g.Module(cv2, g.Node("Concat", [.. y], ("axis", 1L)));
    }

    /// <summary>Factory for any C2f-shaped YAML module <c>[c2, shortcut=False, g=1, e=0.5, …extra]</c> with n inserted;
    /// <paramref name="extraArgs"/> block-specific arguments may follow the four C2f ones (read them from <c>ctx</c>).</summary>
    public static LayerBuild BuildWith(LayerContext ctx, Func<LayerContext, BlockFactory?> block, int extraArgs = 0, string extraSignature = "")
    {
        ctx.ExpectArgs(1, 4 + extraArgs, $"[c2, shortcut=False, g=1, e=0.5{extraSignature}]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        var module = new C2f(c1, c2, ctx.Repeats, ctx.Bool(1, "shortcut", false), ctx.Int(2, "g", 1), ctx.Double(3, "e", 0.5), ctx.Act, block(ctx));
        return new LayerBuild(module, c2, [c1, c2, ctx.Repeats, .. ctx.Args.Skip(1)]);
    }

    public static LayerBuild Build(LayerContext ctx) => BuildWith(ctx, _ => null);
}
