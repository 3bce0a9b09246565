using GhostYolo.Platform;
using GhostYolo.Nn.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// YOLOv5 anchor-based detection head (yolov5 <c>Detect</c>): a 1×1 conv per level predicting, for each of 3 anchors,
/// xywh, objectness and class logits. Chosen when the YAML's Detect row passes anchors.
/// </summary>
internal sealed class DetectV5 : nn.Module<Tensor[], Tensor[]>, IAnchorHead, IOnnxExportable
{
    private readonly ModuleList<Conv2d> m;
    private readonly int nc, no, na;
    private readonly double[][] _anchorsPx; // anchors in pixels as written in the YAML, per level

    public DetectV5(int nc, double[][] anchors, int[] ch) : base("Detect")
    {
        this.nc = nc;
        no = nc + 5;
        na = anchors[0].Length / 2;
        _anchorsPx = anchors;
        m = nn.ModuleList(ch.Select(x => nn.Conv2d(x, na * no, 1)).ToArray());
        register_buffer("anchors", zeros(anchors.Length, na, 2));
        Strides = new long[ch.Length];
        RegisterComponents();
    }

    public HeadKind Kind => HeadKind.Anchors;
    public int Nc => nc;
    public int Nl => m.Count;
    public int Na => na;
    public long[] Strides { get; private set; }

    /// <summary>Anchors in grid units (nl, na, 2), as yolov5 keeps them after the build.</summary>
    public Tensor AnchorsGrid => get_buffer("anchors")!;

    public override Tensor[] forward(Tensor[] x)
        => x.Select((xi, i) =>
        {
            var y = PointwiseGemm.Run(m[i], xi);
            long bs = y.shape[0], ny = y.shape[2], nx = y.shape[3];
            return y.view(bs, na, no, ny, nx).permute(0, 1, 3, 4, 2).contiguous(); // (B, na, ny, nx, no)
        }).ToArray();

    public Tensor[] Forward(Tensor[] features) => call(features);

    /// <summary>Stride of each level = input size / its grid height; then the YAML's pixel anchors into grid units.</summary>
    public void SetUpStrides(Tensor[] raw, int inputSize)
        => SetStrides(raw.Select(l => (long)Math.Round((double)inputSize / l.shape[2])).ToArray());   // (B, na, ny, nx, no)

    /// <summary>yolov5's inference output with objectness folded into the class scores, as its NMS scores them.</summary>
    public Tensor Decode(Tensor[] raw)
    {
        using var reference = ReferenceOutput(raw);
        return DecodedLayout.FromObjectness(reference);                                  // (B, 4+nc, A)
    }

    public Tensor DecodeReferenceOutput(Tensor output) => DecodedLayout.FromObjectness(output);

    /// <summary>yolov5 <c>Detect.forward</c> in eval mode: (B, A, 5+nc) xywh pixels, objectness, class probabilities.</summary>
    public Tensor ReferenceOutput(Tensor[] raw)
    {
        using var scope = NewDisposeScope();
        var outs = new List<Tensor>();
        for (int i = 0; i < raw.Length; i++)
        {
            long bs = raw[i].shape[0], ny = raw[i].shape[2], nx = raw[i].shape[3];
            var y = raw[i].to(ScalarType.Float32).sigmoid();   // decode in fp32, also for bf16 models
            var gy = arange(ny, dtype: y.dtype, device: y.device);
            var gx = arange(nx, dtype: y.dtype, device: y.device);
            var g = meshgrid([gy, gx], indexing: "ij");
            var grid = stack([g[1], g[0]], -1).view(1, 1, ny, nx, 2) - 0.5;
            var anchorPx = (AnchorsGrid[i] * Strides[i]).to(y.dtype).view(1, na, 1, 1, 2);
            var xy = (y[TensorIndex.Ellipsis, ..2] * 2 + grid) * Strides[i];
            var wh = (y[TensorIndex.Ellipsis, 2..4] * 2).pow(2) * anchorPx;
            outs.Add(cat([xy, wh, y[TensorIndex.Ellipsis, 4..]], -1).view(bs, -1, no));
        }
        return cat(outs, 1).MoveToOuterDisposeScope();                                     // (B, A, 5+nc)
    }

    /// <summary>The head with <see cref="ReferenceOutput"/> in the graph (yolov5's export layout): features → (B, A, 5+nc),
    /// grids and anchors as constants.</summary>
    public string[] ExportOnnx(OnnxGraph g, string[] x)
    {
        var outs = new string[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            long ny = g.InputHeight / Strides[i], nx = g.InputWidth / Strides[i];
            var y = g.Node("Reshape", [g.Apply(m[i], x[i]), g.Int64s(0, na, no, ny, nx)]);
            y = g.Node("Sigmoid", [g.Node("Transpose", [y], ("perm", new long[] { 0, 1, 3, 4, 2 }))]);   // (B, na, ny, nx, no)
            var parts = g.Node("Split", [y, g.Int64s(2, 2, no - 4)], 3, ("axis", -1L));
            var gy = arange(ny, dtype: ScalarType.Float32);
            var gx = arange(nx, dtype: ScalarType.Float32);
            var mesh = meshgrid([gy, gx], indexing: "ij");
            var grid = g.Weight(stack([mesh[1], mesh[0]], -1).view(1, 1, ny, nx, 2) - 0.5);
            var anchorPx = g.Weight((AnchorsGrid[i] * Strides[i]).view(1, na, 1, 1, 2));
            var xy = g.Node("Mul", [g.Node("Add", [g.Node("Mul", [parts[0], g.Scalar(2)]), grid]), g.Scalar(Strides[i])]);
            var wh2 = g.Node("Mul", [parts[1], g.Scalar(2)]);
            var wh = g.Node("Mul", [g.Node("Mul", [wh2, wh2]), anchorPx]);
            outs[i] = g.Node("Reshape", [g.Node("Concat", [xy, wh, parts[2]], ("axis", -1L)), g.Int64s(0, -1, no)]);
        }
        return [g.Node("Concat", outs, ("axis", 1L))];                                            // (B, A, 5+nc)
    }

    /// <summary>Sets strides, converts the YAML's pixel anchors to grid units and fixes their order (yolov5 <c>check_anchor_order</c>).</summary>
    private void SetStrides(long[] strides)
    {
        Strides = strides;
        SetPixelAnchors(_anchorsPx.SelectMany(l => l).Select(v => (float)v).ToArray());
    }

    /// <summary>The anchors in pixels, (nl·na) rows of (w, h) in level order (yolov5 <c>m.anchors * m.stride</c>).</summary>
    public float[][] PixelAnchors()
    {
        using var scope = NewDisposeScope();
        var px = (AnchorsGrid.cpu() * tensor(Strides.Select(s => (float)s).ToArray()).view(-1, 1, 1)).reshape(-1, 2);
        var v = px.data<float>().ToArray();
        return [.. Enumerable.Range(0, v.Length / 2).Select(i => new[] { v[2 * i], v[2 * i + 1] })];
    }

    /// <summary>
    /// Writes new anchors given in pixels ((nl·na) (w, h) pairs, flattened), reversing the level order when their mean areas run
    /// against the strides (yolov5 <c>check_anchor_order</c>), then stores them in grid units (divided by each level's stride).
    /// AutoAnchor calls this; the <c>anchors</c> buffer is part of the state dict, so checkpoints keep them.
    /// </summary>
    public void SetPixelAnchors(float[] pixelWh)
    {
        if (pixelWh.Length != Nl * na * 2) throw new ArgumentException($"{pixelWh.Length / 2} anchors given for {Nl}×{na}", nameof(pixelWh));
        using var scope = NewDisposeScope();
        var a = tensor(pixelWh).view(Nl, (long)na, 2L);
        var area = a.prod(-1).mean([-1L]);                                     // (nl)
        float da = area[-1].item<float>() - area[0].item<float>();
        long ds = Strides[^1] - Strides[0];
        if (da != 0 && Math.Sign(da) != Math.Sign(ds)) a = a.flip(0);
        var grid = a / tensor(Strides.Select(s => (float)s).ToArray()).view(-1, 1, 1);
        using (no_grad()) AnchorsGrid.copy_(grid.to(AnchorsGrid.device));
    }

    public void InitBiases()
    {
        using var _ = no_grad();
        for (int i = 0; i < Nl; i++)
        {
            var b = m[i].bias!.view(na, no);
            b[.., 4].add_(Math.Log(8.0 / Math.Pow(640.0 / Strides[i], 2)));
            b[.., 5..(5 + nc)].add_(Math.Log(0.6 / (nc - 0.99999)));
        }
    }

    /// <summary>YAML <c>[nc, anchors]</c> where anchors is a list of per-level [w, h, w, h, …] pixel lists.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(2, 2, "[nc, anchors]");
        var ch = ctx.From.Select(ctx.ChannelsOf).ToArray();
        var levels = ctx.List(1, "anchors");
        if (levels.Count != ch.Length) throw ctx.Fail($"{levels.Count} anchor levels for {ch.Length} inputs");
        var anchors = levels.Select(l => l is IReadOnlyList<object?> v
            ? v.Select(o => Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : throw ctx.Fail("anchors must be a list of [w, h, ...] lists per level")).ToArray();
        if (anchors.Any(a => a.Length == 0 || a.Length % 2 != 0 || a.Length != anchors[0].Length))
            throw ctx.Fail("every anchor level needs the same number of (w, h) pairs");
        return new LayerBuild(new DetectV5(ctx.Int(0, "nc"), anchors, ch), 0, [.. ctx.Args, ch.Cast<object?>().ToList()]);
    }
}
