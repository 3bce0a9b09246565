using GhostYolo.Platform;
using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// The official Ghost module (GhostNet, Han et al., CVPR 2020; huawei-noah ghostnet_pytorch <c>GhostModule</c>):
/// a primary conv makes ceil(oup/ratio) intrinsic maps, a cheap depth-wise conv derives the "ghost" maps from them,
/// and the concatenation is cut to oup channels. Keys <c>primary_conv.{0,1}</c>, <c>cheap_operation.{0,1}</c>.
/// </summary>
internal sealed class GhostModule : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly long oup, made;   // made = init·ratio maps before the cut to oup
    private readonly nn.Module<Tensor, Tensor> primary_conv, cheap_operation;

    public GhostModule(long inp, long oup, long kernelSize = 1, long ratio = 2, long dwSize = 3, long stride = 1, bool relu = true)
        : base(nameof(GhostModule))
    {
        if (ratio < 2) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "GhostModule ratio must be at least 2");
        this.oup = oup;
        long init = (oup + ratio - 1) / ratio;   // math.ceil(oup / ratio)
        made = init * ratio;
        primary_conv = Primary(inp, init, kernelSize, stride, relu);
        cheap_operation = Cheap(init, init * (ratio - 1), dwSize, relu);
        RegisterComponents();
    }

    public long OutChannels => oup;

    public override Tensor forward(Tensor x) => Maps(x, primary_conv, cheap_operation, oup);

    public string[] ExportOnnx(OnnxGraph g, string[] x) => [ExportMaps(g, x[0], primary_conv, cheap_operation, made, oup)];

    /// <summary>Intrinsic maps, their cheap ghosts, concatenated and cut to <paramref name="oup"/> (shared with <see cref="GhostModuleV2"/>).</summary>
    internal static Tensor Maps(Tensor x, nn.Module<Tensor, Tensor> primary, nn.Module<Tensor, Tensor> cheap, long oup)
    {
        var x1 = PointwiseGemm.Run(primary, x);                // (B, init, H/s, W/s)
        var y = cat([x1, PointwiseGemm.Run(cheap, x1)], 1);    // (B, init·ratio, H/s, W/s)
        return y.shape[1] == oup ? y : y.narrow(1, 0, oup);    // (B, oup, H/s, W/s)
    }

    /// <summary>The ONNX form of <see cref="Maps"/>; <paramref name="made"/> = init·ratio channels before the cut.</summary>
    internal static string ExportMaps(OnnxGraph g, string x, nn.Module primary, nn.Module cheap, long made, long oup)
    {
        var x1 = g.Apply(primary, x);
        var y = g.Node("Concat", [x1, g.Apply(cheap, x1)], ("axis", 1L));
        return made == oup ? y : g.Node("Slice", [y, g.Int64s(0), g.Int64s(oup), g.Int64s(1)]);
    }

    /// <summary>Conv2d(inp, init, k, stride, k//2, no bias) → BN → ReLU, or an empty Sequential in place of the ReLU.</summary>
    internal static nn.Module<Tensor, Tensor> Primary(long inp, long init, long k, long stride, bool relu) => nn.Sequential(
        nn.Conv2d(inp, init, (k, k), stride: (stride, stride), padding: (k / 2, k / 2), bias: false),
        Activations.BatchNorm(init),
        relu ? nn.ReLU(inplace: true) : nn.Sequential());

    /// <summary>Depth-wise Conv2d(init, new, dw, 1, dw//2, groups init, no bias) → BN → ReLU or empty Sequential.</summary>
    internal static nn.Module<Tensor, Tensor> Cheap(long init, long @new, long dw, bool relu) => nn.Sequential(
        nn.Conv2d(init, @new, (dw, dw), stride: (1, 1), padding: (dw / 2, dw / 2), groups: init, bias: false),
        Activations.BatchNorm(@new),
        relu ? nn.ReLU(inplace: true) : nn.Sequential());

    /// <summary>YAML <c>[c2, k=1, ratio=2, dw_size=3, s=1, relu=True]</c>; c2 is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 6, "[c2, k=1, ratio=2, dw_size=3, s=1, relu=True]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2")), ratio = ctx.Int(2, "ratio", 2);
        if (ratio < 2) throw ctx.Fail($"ratio must be at least 2, got {ratio}");
        var m = new GhostModule(c1, c2, ctx.Int(1, "k", 1), ratio, ctx.Int(3, "dw_size", 3), ctx.Int(4, "s", 1), ctx.Bool(5, "relu", true));
        return new LayerBuild(m, c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
