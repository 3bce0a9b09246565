using GhostYolo.Nn.Export;
using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// Standard convolution: Conv2d (no bias) → BatchNorm2d → activation. Mirrors ultralytics <c>Conv</c>
/// (state-dict keys <c>conv.weight</c>, <c>bn.*</c>). <see cref="Fuse"/> folds the BN into the conv for inference.
/// </summary>
internal class Conv : nn.Module<Tensor, Tensor>, IFusable, IOnnxExportable
{
    // Field names are the state-dict keys; `bn` is removed from the registry by Fuse().
    private Conv2d conv;
    private BatchNorm2d? bn;
    private readonly nn.Module<Tensor, Tensor> act;

    /// <param name="act">The activation module. Blocks pass the model's shared default activation
    /// (<see cref="LayerContext.Act"/>) for ultralytics' <c>act=True</c>, or <see cref="Activations.Identity"/> for <c>act=False</c>.</param>
    public Conv(long c1, long c2, long k, long s, nn.Module<Tensor, Tensor> act, long? p = null, long g = 1, long d = 1)
        : this(c1, c2, (k, k), s, act, p, g, d) { }

    public Conv(long c1, long c2, (long h, long w) k, long s, nn.Module<Tensor, Tensor> act, long? p = null, long g = 1, long d = 1)
        : base(nameof(Conv))
    {
        var pad = p is long pp ? (pp, pp) : (AutoPad(k.h, d), AutoPad(k.w, d));
        conv = nn.Conv2d(c1, c2, k, stride: (s, s), padding: pad, dilation: (d, d), groups: g, bias: false);
        IsPointwise = k == (1, 1) && s == 1 && pad == (0, 0) && g == 1 && d == 1;
        bn = Activations.BatchNorm(c2);
        this.act = act;
        RegisterComponents();
    }

    /// <summary>YAML <c>[c2, k=1, s=1, p=None, g=1, d=1]</c>; c2 is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 6, "[c2, k=1, s=1, p=None, g=1, d=1]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        int k = ctx.Int(1, "k", 1), s = ctx.Int(2, "s", 1), g = ctx.Int(4, "g", 1), d = ctx.Int(5, "d", 1);
        int? p = ctx.ArgCount > 3 && ctx.Args[3] is not null ? ctx.Int(3, "p") : null;
        return new LayerBuild(new Conv(c1, c2, k, s, ctx.Act, p, g, d), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }

    /// <summary>ultralytics <c>autopad</c>: 'same' padding for odd kernels, accounting for dilation.</summary>
    public static long AutoPad(long k, long d = 1) => (d > 1 ? d * (k - 1) + 1 : k) / 2;

    public Conv2d Conv2d => conv;
    public BatchNorm2d? Bn => bn;
    public bool IsFused => bn is null;

    public override Tensor forward(Tensor x)
    {
        var y = PointwiseGemm.Needed && IsPointwise && MemoryFormat.IsChannelsLast(x) ? PointwiseGemm.Forward(conv, x) : conv.call(x);
        return bn is null ? act.call(y) : act.call(bn.call(y));
    }

    /// <summary>A 1×1, stride-1, ungrouped, unpadded convolution: a matrix product over the channels of every pixel
    /// (fixed at construction; <see cref="Fuse"/> keeps the geometry).</summary>
    public bool IsPointwise { get; }

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [ExportOnnx(g, x[0])];

    /// <summary>This conv's nodes; with <paramref name="outputs"/> only that range of output channels (needs a fused conv).</summary>
    public string ExportOnnx(OnnxGraph g, string x, Range? outputs = null)
    {
        if (outputs is not null && bn is not null) throw new NotSupportedException("a split Conv must be fused first");
        var y = g.Conv(x, conv, outputs);
        if (bn is not null) y = g.Apply(bn, y);
        return g.Apply(act, y);
    }

    /// <summary>Folds BatchNorm into the convolution (ultralytics <c>fuse_conv_and_bn</c>): the conv gains a bias, BN goes.</summary>
    public void Fuse()
    {
        if (bn is null) return;
        conv = Fusion.FoldBatchNorm(conv, bn);
        _internal_submodules.Remove("bn");
        _internal_submodules["conv"] = conv;
        bn.Dispose();
        bn = null;
    }
}

/// <summary>Depth-wise convolution: <see cref="Conv"/> with groups = gcd(c1, c2) (ultralytics <c>DWConv</c>).</summary>
internal sealed class DWConv : Conv
{
    public DWConv(long c1, long c2, long k, long s, nn.Module<Tensor, Tensor> act, long d = 1)
        : base(c1, c2, k, s, act, g: (long)System.Numerics.BigInteger.GreatestCommonDivisor(c1, c2), d: d) { }

    /// <summary>YAML <c>[c2, k=1, s=1, d=1, act=True]</c>.</summary>
    public static new LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 5, "[c2, k=1, s=1, d=1, act=True]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        var act = ctx.Bool(4, "act", true) ? ctx.Act : Activations.Identity();
        return new LayerBuild(new DWConv(c1, c2, ctx.Int(1, "k", 1), ctx.Int(2, "s", 1), act, ctx.Int(3, "d", 1)), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}

/// <summary>A module whose BatchNorm can be folded into its convolution for inference (ultralytics <c>fuse()</c> targets).</summary>
internal interface IFusable
{
    void Fuse();
}

/// <summary>Conv + BN folding, shared by every fusable block.</summary>
internal static class Fusion
{
    /// <summary>Returns a new Conv2d with bias whose output equals bn(conv(x)) in eval mode.</summary>
    public static Conv2d FoldBatchNorm(Conv2d conv, BatchNorm2d bn)
    {
        using var _ = no_grad();
        var w = conv.weight!;
        long cout = w.shape[0], cin = w.shape[1] * conv.groups;
        var fused = nn.Conv2d(cin, cout, (w.shape[2], w.shape[3]), stride: (conv.stride[0], conv.stride[1]),
            padding: (conv.padding![0], conv.padding[1]), dilation: (conv.dilation[0], conv.dilation[1]),
            groups: conv.groups, bias: true, device: w.device, dtype: w.dtype);
        var scale = bn.weight! / sqrt(bn.running_var! + bn.eps);                  // (cout)
        fused.weight!.copy_(w * scale.view(-1, 1, 1, 1));
        var convBias = conv.bias is null ? zeros(cout, device: w.device, dtype: w.dtype) : conv.bias;
        fused.bias!.copy_(bn.bias! + (convBias - bn.running_mean!) * scale);
        fused.weight.requires_grad = false;
        fused.bias.requires_grad = false;
        return fused;
    }
}
