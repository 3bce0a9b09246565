using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>
/// yolov5 hyp.scratch-low values of the loss, before the per-model scaling of train.py (§5.1 of the training reference).
/// </summary>
internal sealed record DetectionLossV5Options(double Box = 0.05, double Obj = 1.0, double Cls = 0.5, double AnchorT = 4.0,
    double LabelSmoothing = 0.0);

/// <summary>Targets of one detection level from <see cref="DetectionLossV5.BuildTargets"/> (n = matched target copies).</summary>
/// <param name="Image">(n) int64 image index in the batch.</param>
/// <param name="Anchor">(n) int64 anchor index within the level.</param>
/// <param name="GridY">(n) int64 cell row, clamped to [0, ny − 1].</param>
/// <param name="GridX">(n) int64 cell column, clamped to [0, nx − 1].</param>
/// <param name="Box">(n, 4) target xywh: xy relative to the (clamped) cell corner, in [−0.5, 1.5]; wh in grid units.</param>
/// <param name="AnchorWh">(n, 2) the matched anchor's wh in grid units.</param>
/// <param name="Class">(n) int64 class.</param>
internal sealed record V5LevelTargets(Tensor Image, Tensor Anchor, Tensor GridY, Tensor GridX, Tensor Box, Tensor AnchorWh, Tensor Class);

/// <summary>
/// yolov5 v7.0 <c>utils.loss.ComputeLoss</c>: anchor matching by wh ratio (anchor_t), each target also assigned to the two
/// nearest neighbour cells, CIoU box loss, objectness BCE against the detached IoU with per-level balance [4, 1, 0.4],
/// class BCE. Focal loss, autobalance and pos_weight ≠ 1 are off in the reference defaults and not implemented.
/// </summary>
internal sealed class DetectionLossV5 : IDetectionLoss
{
    private static readonly double[] Balance3 = [4.0, 1.0, 0.4];
    private static readonly double[] Balance5 = [4.0, 1.0, 0.25, 0.06, 0.02];
    private readonly Tensor _anchors;   // (nl, na, 2) grid units
    private readonly double[] _balance;

    /// <param name="numClasses">nc of the head.</param>
    /// <param name="anchors">(nl, na, 2) anchors in grid units (pixel anchors / stride), as the v5 Detect layer stores them.</param>
    /// <param name="strides">One stride per level (only used for validation of the inputs and reporting).</param>
    /// <param name="imgsz">Training image size; scales the objectness gain by (imgsz/640)².</param>
    /// <param name="options">Unscaled hyp values; the constructor applies train.py's scaling by nl, nc/80 and (imgsz/640)².</param>
    public DetectionLossV5(int numClasses, Tensor anchors, IReadOnlyList<double> strides, int imgsz = 640, DetectionLossV5Options? options = null)
    {
        if (anchors.dim() != 3 || anchors.shape[2] != 2)
            throw new ArgumentException($"Anchors must be (nl, na, 2) in grid units, got ({string.Join(", ", anchors.shape)}).", nameof(anchors));
        if (anchors.shape[0] != strides.Count)
            throw new ArgumentException($"{anchors.shape[0]} anchor levels but {strides.Count} strides.", nameof(strides));
        NumClasses = numClasses;
        _anchors = anchors.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        Strides = strides.ToArray();
        NumLevels = (int)anchors.shape[0];
        NumAnchors = (int)anchors.shape[1];
        Options = options ?? new DetectionLossV5Options();
        _balance = NumLevels == 3 ? Balance3 : Balance5;
        double layers = 3.0 / NumLevels;
        BoxGain = Options.Box * layers;
        ClsGain = Options.Cls * numClasses / 80.0 * layers;
        ObjGain = Options.Obj * Math.Pow(imgsz / 640.0, 2) * layers;
    }

    public int NumClasses { get; }
    /// <summary>(nl, na, 2) anchors in grid units.</summary>
    public Tensor Anchors => _anchors;
    public int NumLevels { get; }
    public int NumAnchors { get; }
    public IReadOnlyList<double> Strides { get; }
    public DetectionLossV5Options Options { get; }
    /// <summary>Gains after train.py's scaling.</summary>
    /// <inheritdoc />
    public IReadOnlyList<string> Names { get; } = ["box_loss", "obj_loss", "cls_loss"];

    /// <inheritdoc />
    public string Gains => FormattableString.Invariant(
        $"box={BoxGain:G4} obj={ObjGain:G4} cls={ClsGain:G4} anchor_t={Options.AnchorT} (hyp box={Options.Box} obj={Options.Obj} cls={Options.Cls} scaled by 3/nl, nc/80, (imgsz/640)²)");

    public double BoxGain { get; }
    public double ObjGain { get; }
    public double ClsGain { get; }

    /// <summary>
    /// Computes the loss for one batch.
    /// </summary>
    /// <param name="preds">Training-mode outputs, one (B, na, ny, nx, 5 + nc) raw-logit tensor per level.</param>
    /// <param name="targets">(N, 6) rows [batch_index, class, cx, cy, w, h], normalised.</param>
    /// <returns>Loss = (box + obj + cls)·B with grad; Items = detached (3) gained box, obj, cls.</returns>
    public (Tensor Loss, Tensor Items) Compute(IReadOnlyList<Tensor> preds, Tensor targets)
    {
        if (preds.Count != NumLevels)
            throw new ArgumentException($"The v5 loss was built for {NumLevels} levels but got {preds.Count} outputs.", nameof(preds));
        if (preds[0].dim() != 5 || preds[0].shape[1] != NumAnchors || preds[0].shape[4] != 5 + NumClasses)
            throw new ArgumentException($"Expected (B, {NumAnchors}, ny, nx, {5 + NumClasses}) raw outputs but got ({string.Join(", ", preds[0].shape)}).", nameof(preds));
        using var scope = NewDisposeScope();
        var dtype = preds[0].dtype;
        var device = preds[0].device;
        var lbox = zeros(1, dtype: dtype, device: device);
        var lobj = zeros(1, dtype: dtype, device: device);
        var lcls = zeros(1, dtype: dtype, device: device);
        double cp = 1.0 - 0.5 * Options.LabelSmoothing, cn = 0.5 * Options.LabelSmoothing;

        var levels = BuildTargets(preds, targets);
        for (int i = 0; i < NumLevels; i++)
        {
            var pi = preds[i];                                                                       // (B, na, ny, nx, 5+nc)
            var t = levels[i];
            var tobj = zeros(pi.shape[..4], dtype: dtype, device: device);                          // (B, na, ny, nx)
            long n = t.Image.shape[0];
            if (n > 0)
            {
                TensorIndex[] at = [TensorIndex.Tensor(t.Image), TensorIndex.Tensor(t.Anchor), TensorIndex.Tensor(t.GridY), TensorIndex.Tensor(t.GridX)];
                var ps = pi[at];                                                                     // (n, 5+nc)
                var pxy = ps[.., ..2].sigmoid() * 2 - 0.5;
                var pwh = (ps[.., 2..4].sigmoid() * 2).pow(2) * t.AnchorWh.to_type(dtype);
                var pbox = cat([pxy, pwh], 1);                                                       // (n, 4) xywh grid units
                var iou = BboxIou.Compute(pbox, t.Box.to_type(dtype), xywh: true, kind: IouKind.CIou).view(-1);   // (n)
                lbox += (1.0 - iou).mean();

                // gr = 1: the objectness target is the detached, clamped IoU; duplicates at one cell: last write wins.
                tobj.index_put_(iou.detach().clamp_min(0).to_type(tobj.dtype), at);

                if (NumClasses > 1)
                {
                    var pcls = ps[.., 5..];                                                          // (n, nc)
                    var tc = full_like(pcls, cn).scatter_(1, t.Class.unsqueeze(1), full(n, 1, cp, dtype: pcls.dtype, device: device));
                    lcls += nn.functional.binary_cross_entropy_with_logits(pcls, tc);
                }
            }
            var obji = nn.functional.binary_cross_entropy_with_logits(pi[TensorIndex.Ellipsis, 4], tobj);
            lobj += obji * _balance[i];
        }

        lbox *= BoxGain;
        lobj *= ObjGain;
        lcls *= ClsGain;
        long bs = preds[0].shape[0];
        var loss = ((lbox + lobj + lcls) * bs).squeeze();
        var items = cat([lbox, lobj, lcls]).detach();
        return (loss.MoveToOuterDisposeScope(), items.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// yolov5 <c>ComputeLoss.build_targets</c>: for each level, the (target, anchor) pairs passing the wh-ratio filter
    /// (max(r, 1/r) &lt; anchor_t), each placed in its own cell plus the nearer horizontal and vertical neighbour
    /// (offset g = 0.5) when that neighbour exists. Order: offset-major, then anchor, then target (as the reference).
    /// </summary>
    public V5LevelTargets[] BuildTargets(IReadOnlyList<Tensor> preds, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var device = preds[0].device;
        var tg = targets.to(ScalarType.Float32, device);
        long nt = tg.shape[0];
        int na = NumAnchors;
        const double g = 0.5;
        var ai = arange(na, dtype: ScalarType.Float32, device: device).view(na, 1).repeat(1, nt);       // (na, nt)
        var all = cat([tg.repeat(na, 1, 1), ai.unsqueeze(-1)], 2);                                    // (na, nt, 7)
        var off = tensor(new float[] { 0, 0, 1, 0, 0, 1, -1, 0, 0, -1 }, device: device).view(5, 2) * g;   // (5, 2)

        var result = new V5LevelTargets[NumLevels];
        for (int i = 0; i < NumLevels; i++)
        {
            var anchors = _anchors[i].to(device);                                                     // (na, 2)
            long ny = preds[i].shape[2], nx = preds[i].shape[3];
            var gain = ones(7, device: device);
            gain[2] = nx; gain[3] = ny; gain[4] = nx; gain[5] = ny;
            var t = all * gain;                                                                        // (na, nt, 7) grid units
            Tensor offsets;
            if (nt > 0)
            {
                var r = t[TensorIndex.Ellipsis, 4..6] / anchors.unsqueeze(1);                          // (na, nt, 2)
                var keep = maximum(r, 1 / r).amax([2]) < Options.AnchorT;                              // (na, nt)
                t = t[keep];                                                                           // (n, 7)
                var gxy = t[.., 2..4];
                var gxi = gain[TensorIndex.Slice(2, 4)] - gxy;
                var jk = ((gxy.remainder(1) < g) & (gxy > 1)).T;                                       // (2, n)
                var lm = ((gxi.remainder(1) < g) & (gxi > 1)).T;
                var sel = stack([ones_like(jk[0]), jk[0], jk[1], lm[0], lm[1]]);                       // (5, n)
                t = t.repeat(5, 1, 1)[sel];                                                            // (m, 7)
                offsets = (zeros_like(gxy).unsqueeze(0) + off.unsqueeze(1))[sel];                      // (m, 2)
            }
            else
            {
                t = all[0];                                                                            // (0, 7)
                offsets = zeros(0, 2, device: device);
            }

            var b = t[.., 0].to_type(ScalarType.Int64);
            var c = t[.., 1].to_type(ScalarType.Int64);
            var gxyT = t[.., 2..4];
            var gwh = t[.., 4..6];
            var a = t[.., 6].to_type(ScalarType.Int64);
            var gij = (gxyT - offsets).to_type(ScalarType.Int64);                                     // truncation toward zero
            // The reference clamps in place on views of gij, so the box offsets below use the clamped cells.
            var gi = gij[.., 0].clamp(0, nx - 1);
            var gj = gij[.., 1].clamp(0, ny - 1);
            var gijClamped = stack([gi, gj], 1);
            var tbox = cat([gxyT - gijClamped, gwh], 1);
            result[i] = new V5LevelTargets(b.MoveToOuterDisposeScope(), a.MoveToOuterDisposeScope(), gj.MoveToOuterDisposeScope(),
                gi.MoveToOuterDisposeScope(), tbox.MoveToOuterDisposeScope(), anchors[a].MoveToOuterDisposeScope(), c.MoveToOuterDisposeScope());
        }
        return result;
    }

    /// <summary>Frees the anchor tensor.</summary>
    public void Dispose() => _anchors.Dispose();
}
