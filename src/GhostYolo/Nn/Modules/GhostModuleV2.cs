using GhostYolo.Platform;
using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>How a <see cref="GhostModuleV2"/> runs: the plain Ghost module, or with DFC attention.</summary>
internal enum GhostModuleMode
{
    /// <summary>GhostNet's module (reference mode 'original').</summary>
    Original,
    /// <summary>Ghost module gated by decoupled fully-connected attention (reference mode 'attn').</summary>
    Attn,
}

/// <summary>
/// GhostNetV2's Ghost module (Tang et al., NeurIPS 2022; huawei-noah ghostnetv2_torch <c>GhostModuleV2</c>). 'original' is the
/// GhostNet module; 'attn' multiplies its output by a DFC attention map: short_conv (k×k conv, 1×5 and 5×1 depth-wise, each + BN,
/// no activation) on a 2×2-average-pooled input, sigmoid, nearest upsampling to the output size. It always owns <c>gate_fn</c>.
/// Keys <c>gate_fn</c>, <c>primary_conv</c>, <c>cheap_operation</c>, <c>short_conv</c>.
/// </summary>
internal sealed class GhostModuleV2 : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly long oup, made;   // made = init·ratio maps before the cut to oup
    private readonly GhostModuleMode mode;
    private readonly nn.Module<Tensor, Tensor> gate_fn, primary_conv, cheap_operation;
    private readonly nn.Module<Tensor, Tensor>? short_conv;

    public GhostModuleV2(long inp, long oup, long kernelSize = 1, long ratio = 2, long dwSize = 3, long stride = 1, bool relu = true,
        GhostModuleMode mode = GhostModuleMode.Original) : base(nameof(GhostModuleV2))
    {
        if (ratio < 2) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "GhostModuleV2 ratio must be at least 2");
        this.oup = oup;
        this.mode = mode;
        gate_fn = nn.Sigmoid();
        long init = (oup + ratio - 1) / ratio;   // math.ceil(oup / ratio)
        made = init * ratio;
        primary_conv = GhostModule.Primary(inp, init, kernelSize, stride, relu);
        cheap_operation = GhostModule.Cheap(init, init * (ratio - 1), dwSize, relu);
        if (mode == GhostModuleMode.Attn)
        {
            // The official code uses width-5 horizontal/vertical FCs (the paper writes a generic k).
            short_conv = nn.Sequential(
                nn.Conv2d(inp, oup, (kernelSize, kernelSize), stride: (stride, stride), padding: (kernelSize / 2, kernelSize / 2), bias: false),
                Activations.BatchNorm(oup),
                nn.Conv2d(oup, oup, (1, 5), stride: (1, 1), padding: (0, 2), groups: oup, bias: false),
                Activations.BatchNorm(oup),
                nn.Conv2d(oup, oup, (5, 1), stride: (1, 1), padding: (2, 0), groups: oup, bias: false),
                Activations.BatchNorm(oup));
        }
        RegisterComponents();
    }

    public GhostModuleMode Mode => mode;

    public override Tensor forward(Tensor x)
    {
        var y = GhostModule.Maps(x, primary_conv, cheap_operation, oup);      // (B, oup, H', W')
        if (short_conv is null) return y;
        // Needs H, W ≥ 2: avg_pool2d(2) of a 1×1 map fails, as in the reference (and in thop's 32×32 profiling pass at P5).
        var res = PointwiseGemm.Run(short_conv, nn.functional.avg_pool2d(x, 2, 2));   // (B, oup, H'/2, W'/2)
        var gate = nn.functional.interpolate(gate_fn.call(res), size: [y.shape[2], y.shape[3]], mode: InterpolationMode.Nearest);
        return y * gate;
    }

    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var y = GhostModule.ExportMaps(g, x[0], primary_conv, cheap_operation, made, oup);
        if (short_conv is null) return [y];
        var res = g.Apply(short_conv, g.Node("AveragePool", [x[0]], ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })));
        var gate = g.Node("Resize", [g.Node("Sigmoid", [res]), "", "", g.Node("Shape", [y])],
            ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
        return [g.Node("Mul", [y, gate])];
    }

    /// <summary>YAML <c>[c2, k=1, ratio=2, dw_size=3, s=1, relu=True, mode='original'|'attn']</c>; c2 is width-scaled.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 7, "[c2, k=1, ratio=2, dw_size=3, s=1, relu=True, mode='original']");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2")), ratio = ctx.Int(2, "ratio", 2);
        if (ratio < 2) throw ctx.Fail($"ratio must be at least 2, got {ratio}");
        var mode = ctx.String(6, "mode", "original") switch
        {
            "original" => GhostModuleMode.Original,
            "attn" => GhostModuleMode.Attn,
            var other => throw ctx.Fail($"mode must be 'original' or 'attn', got '{other}'"),
        };
        var m = new GhostModuleV2(c1, c2, ctx.Int(1, "k", 1), ratio, ctx.Int(3, "dw_size", 3), ctx.Int(4, "s", 1), ctx.Bool(5, "relu", true), mode);
        return new LayerBuild(m, c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
