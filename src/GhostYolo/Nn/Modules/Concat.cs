using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>Concatenates its inputs along a dimension (ultralytics <c>Concat</c>).</summary>
internal sealed class Concat : nn.Module<Tensor[], Tensor>, IOnnxExportable
{
    private readonly long d;

    public Concat(long dimension = 1) : base(nameof(Concat)) => d = dimension;

    public override Tensor forward(Tensor[] x) => cat(x, d);

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [g.Node("Concat", x, ("axis", d))];

    /// <summary>YAML <c>[dimension=1]</c>; output channels = Σ inputs.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(0, 1, "[dimension=1]");
        int d = ctx.Int(0, "dimension", 1);
        int c2 = d == 1 ? ctx.From.Sum(ctx.ChannelsOf) : ctx.ChannelsOf(ctx.From[0]);
        return new LayerBuild(new Concat(d), c2, ctx.Args);
    }
}
