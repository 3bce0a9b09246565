using GhostYolo.Platform;
using GhostYolo.Nn.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// YOLOv8 anchor-free detection head (ultralytics <c>Detect</c>, legacy v8 form): per level a box branch <c>cv2</c>
/// (4×reg_max distribution logits) and a class branch <c>cv3</c>; <c>dfl</c> turns distributions into distances.
/// </summary>
internal sealed class Detect : nn.Module<Tensor[], Tensor[]>, IDetectHead, IOnnxExportable
{
    public const int RegMax = 16;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> cv2, cv3;
    private readonly DFL dfl;
    private readonly int nc, no;
    private (long[] Shape, Tensor Anchors, Tensor Strides)? _anchorCache;

    public Detect(int nc, int[] ch, nn.Module<Tensor, Tensor> act) : base(nameof(Detect))
    {
        this.nc = nc;
        no = nc + 4 * RegMax;
        long c2 = Math.Max(Math.Max(16, ch[0] / 4), 4 * RegMax), c3 = Math.Max(ch[0], Math.Min(nc, 100));
        cv2 = nn.ModuleList(ch.Select(x => (nn.Module<Tensor, Tensor>)nn.Sequential(
            new Conv(x, c2, 3, 1, act), new Conv(c2, c2, 3, 1, act), nn.Conv2d(c2, 4 * RegMax, 1))).ToArray());
        cv3 = nn.ModuleList(ch.Select(x => (nn.Module<Tensor, Tensor>)nn.Sequential(
            new Conv(x, c3, 3, 1, act), new Conv(c3, c3, 3, 1, act), nn.Conv2d(c3, nc, 1))).ToArray());
        dfl = new DFL(RegMax);
        Strides = new long[ch.Length];
        RegisterComponents();
    }

    public HeadKind Kind => HeadKind.AnchorFree;
    public int Nc => nc;
    public int Nl => cv2.Count;
    public long[] Strides { get; private set; }

    public override Tensor[] forward(Tensor[] x)
        => x.Select((xi, i) => cat([PointwiseGemm.Run(cv2[i], xi), PointwiseGemm.Run(cv3[i], xi)], 1)).ToArray();   // (B, 64+nc, H, W) each

    public Tensor[] Forward(Tensor[] features) => call(features);

    /// <summary>Stride of each level = input size / its grid height (ultralytics: a forward pass at 256).</summary>
    public void SetUpStrides(Tensor[] raw, int inputSize)
        => Strides = raw.Select(l => (long)Math.Round((double)inputSize / l.shape[2])).ToArray();   // (B, C, H, W)

    /// <summary>ultralytics' inference output is already the decoded layout.</summary>
    public Tensor ReferenceOutput(Tensor[] raw) => Decode(raw);

    public Tensor DecodeReferenceOutput(Tensor output) => output;

    public Tensor Decode(Tensor[] raw)
    {
        using var scope = NewDisposeScope();
        long b = raw[0].shape[0];
        // Anchors along rows, channels last: for a channels-last model each level's permute+reshape is a free view, and the
        // DFL softmax runs over the innermost 16 bins. Decode in fp32 even for a bf16 model: the expectation over 16
        // bins needs more than bf16's 8-bit mantissa.
        var x = cat(raw.Select(r => r.permute(0, 2, 3, 1).reshape(b, -1, no)).ToArray(), 1).to(ScalarType.Float32);   // (B, A, no)
        var (anchors, strides) = Anchors(raw);                                         // (A, 2), (A, 1)
        var dist = dfl.Expectation(x[.., .., ..(4 * RegMax)]);                         // (B, A, 4) ltrb in grid units
        var x1y1 = anchors - dist[.., .., ..2];
        var x2y2 = anchors + dist[.., .., 2..];
        var box = cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], -1) * strides;                // (B, A, 4) xywh pixels
        return cat([box, x[.., .., (4 * RegMax)..].sigmoid()], -1).transpose(1, 2).MoveToOuterDisposeScope();   // (B, 4+nc, A)
    }

    /// <summary>The head with <see cref="Decode"/> in the graph (as ultralytics exports it): features → (B, 4+nc, A).
    /// Grid sizes follow from the graph's input size, so anchors and strides are constants.</summary>
    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var levels = x.Select((xi, i) => g.Node("Reshape",
            [g.Node("Concat", [g.Apply(cv2[i], xi), g.Apply(cv3[i], xi)], ("axis", 1L)), g.Int64s(0, no, -1)])).ToArray();
        var parts = g.Node("Split", [g.Node("Concat", levels, ("axis", 2L)), g.Int64s(4 * RegMax, nc)], 2, ("axis", 1L));
        var ltrb = g.Node("Split", [g.Apply(dfl, parts[0]), g.Int64s(2, 2)], 2, ("axis", 1L));   // 2 × (B, 2, A)
        var sizes = Strides.Select(s => (g.InputHeight / s, g.InputWidth / s)).ToArray();
        var (anchorPoints, strideOf) = MakeAnchors(sizes, Strides, ScalarType.Float32, CPU);
        var anchors = g.Weight(anchorPoints.t());                                                    // (2, A)
        var x1y1 = g.Node("Sub", [anchors, ltrb[0]]);
        var x2y2 = g.Node("Add", [anchors, ltrb[1]]);
        var centre = g.Node("Div", [g.Node("Add", [x1y1, x2y2]), g.Scalar(2)]);
        var box = g.Node("Mul", [g.Node("Concat", [centre, g.Node("Sub", [x2y2, x1y1])], ("axis", 1L)), g.Weight(strideOf.t())]);
        return [g.Node("Concat", [box, g.Node("Sigmoid", [parts[1]])], ("axis", 1L))];
    }

    /// <summary>Anchor points (grid-cell centres, offset 0.5) and their strides, cached per feature-map shape.</summary>
    private (Tensor Anchors, Tensor Strides) Anchors(Tensor[] raw)
    {
        var shape = raw.SelectMany(r => new[] { r.shape[2], r.shape[3] }).ToArray();
        if (_anchorCache is { } c && c.Shape.SequenceEqual(shape) && c.Anchors.device == raw[0].device) return (c.Anchors, c.Strides);
        var (anchors, strides) = MakeAnchors(raw.Select(r => (r.shape[2], r.shape[3])).ToArray(), Strides, ScalarType.Float32, raw[0].device);
        _anchorCache?.Anchors.Dispose();
        _anchorCache?.Strides.Dispose();
        var a = anchors.DetachFromDisposeScope();   // (A, 2)
        var s = strides.DetachFromDisposeScope();   // (A, 1)
        _anchorCache = (shape, a, s);
        return (a, s);
    }

    /// <summary>ultralytics <c>make_anchors</c>: (A, 2) cell centres in grid units (row-major per level) and (A, 1) strides.</summary>
    public static (Tensor Anchors, Tensor Strides) MakeAnchors((long H, long W)[] sizes, long[] strides, ScalarType dtype, Device device, double offset = 0.5)
    {
        using var scope = NewDisposeScope();
        var points = new List<Tensor>();
        var strideList = new List<Tensor>();
        for (int i = 0; i < sizes.Length; i++)
        {
            var (h, w) = sizes[i];
            var sx = arange(w, dtype: dtype, device: device) + offset;
            var sy = arange(h, dtype: dtype, device: device) + offset;
            var grid = meshgrid([sy, sx], indexing: "ij");
            points.Add(stack([grid[1], grid[0]], -1).view(-1, 2));
            strideList.Add(full(h * w, 1, strides[i], dtype: dtype, device: device));
        }
        return (cat(points, 0).MoveToOuterDisposeScope(), cat(strideList, 0).MoveToOuterDisposeScope());
    }

    public void InitBiases()
    {
        using var _ = no_grad();
        for (int i = 0; i < Nl; i++)
        {
            var boxConv = (Conv2d)((Sequential)cv2[i]).children().Last();
            var clsConv = (Conv2d)((Sequential)cv3[i]).children().Last();
            boxConv.bias!.fill_(1.0);
            clsConv.bias![..nc].fill_(Math.Log(5.0 / nc / Math.Pow(640.0 / Strides[i], 2)));
        }
    }

    /// <summary>YAML <c>[nc]</c> (v8) — or <c>[nc, anchors]</c>, which selects the YOLOv5 head.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        if (ctx.ArgCount >= 2 && ctx.Args[1] is not null) return DetectV5.Build(ctx);
        ctx.ExpectArgs(1, 1, "[nc]");
        var ch = ctx.From.Select(ctx.ChannelsOf).ToArray();
        return new LayerBuild(new Detect(ctx.Int(0, "nc"), ch, ctx.Act), 0, [.. ctx.Args, ch.Cast<object?>().ToList()]);
    }
}
