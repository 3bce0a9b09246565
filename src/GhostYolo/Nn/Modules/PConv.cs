using GhostYolo.Nn.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>How <see cref="PConv"/> applies its conv to the first channels.</summary>
internal enum PConvForward
{
    /// <summary>Split, convolve the first part, concatenate (reference 'split_cat'; works for training).</summary>
    SplitCat,
    /// <summary>Clone, then overwrite the first channels in place (reference 'slicing'); only in eval, falls back to SplitCat in training.</summary>
    Slicing,
}

/// <summary>
/// FasterNet's partial convolution (Chen et al., CVPR 2023, "Run, Don't Walk"; JierunChen/FasterNet <c>Partial_conv3</c>):
/// a 3×3 conv on the first dim/n_div channels, the rest pass through untouched. Key <c>partial_conv3</c>.
/// </summary>
internal sealed class PConv : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly long dim_conv3, dim_untouched;
    private readonly Conv2d partial_conv3;
    private readonly PConvForward forwardType;

    public PConv(long dim, long nDiv = 4, PConvForward forwardType = PConvForward.SplitCat) : base(nameof(PConv))
    {
        dim_conv3 = dim / nDiv;
        dim_untouched = dim - dim_conv3;
        if (dim_conv3 < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"PConv needs at least n_div = {nDiv} channels");
        partial_conv3 = nn.Conv2d(dim_conv3, dim_conv3, (3, 3), stride: (1, 1), padding: (1, 1), bias: false);
        this.forwardType = forwardType;
        RegisterComponents();
    }

    public PConvForward ForwardType => forwardType;

    public override Tensor forward(Tensor x)
    {
        if (forwardType == PConvForward.Slicing && !training)
        {
            // Clone so the caller's x (the residual) stays intact, then write the convolved channels over the copy.
            var y = x.clone();                                                          // (B, dim, H, W)
            y.narrow(1, 0, dim_conv3).copy_(partial_conv3.call(x.narrow(1, 0, dim_conv3)));
            return y;
        }
        var parts = x.split([dim_conv3, dim_untouched], 1);                            // (B, dim/n, H, W), (B, rest, H, W)
        return cat([partial_conv3.call(parts[0]), parts[1]], 1);                        // (B, dim, H, W)
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var parts = g.Node("Split", [x[0], g.Int64s(dim_conv3, dim_untouched)], 2, ("axis", 1L));
        return [g.Node("Concat", [g.Apply(partial_conv3, parts[0]), parts[1]], ("axis", 1L))];
    }

    /// <summary>YAML <c>[n_div=4, forward='split_cat'|'slicing']</c>; output channels = input channels.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(0, 2, "[n_div=4, forward='split_cat']");
        int c1 = ctx.C1;
        var type = ParseForward(ctx, ctx.String(1, "forward", "split_cat"));
        return new LayerBuild(new PConv(c1, ctx.Int(0, "n_div", 4), type), c1, [c1, .. ctx.Args]);
    }

    internal static PConvForward ParseForward(LayerContext ctx, string text) => text switch
    {
        "split_cat" => PConvForward.SplitCat,
        "slicing" => PConvForward.Slicing,
        _ => throw ctx.Fail($"PConv forward must be 'split_cat' or 'slicing', got '{text}'"),
    };
}
