using GhostYolo.Metrics;
using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>Gains and head settings of the v8 detection loss; defaults equal ultralytics <c>default.yaml</c>.</summary>
internal sealed record DetectionLossV8Options(double Box = 7.5, double Cls = 0.5, double Dfl = 1.5, int RegMax = 16, int TopK = 10,
    double Alpha = 0.5, double Beta = 6.0);

/// <summary>
/// YOLOv8 detection loss, mirroring ultralytics 8.2.103 <c>utils.loss.v8DetectionLoss</c> with <c>BboxLoss</c>:
/// task-aligned assignment, BCE class loss normalised by the soft-target sum, CIoU box loss and DFL, both weighted by the
/// targets' scores. Used for training and (on the same raw outputs) for the validation loss.
/// </summary>
internal sealed class DetectionLossV8 : IDetectionLoss
{
    private readonly double[] _strides;
    private readonly TaskAlignedAssigner _assigner;

    /// <param name="numClasses">nc of the head.</param>
    /// <param name="strides">One stride per level in the order of the head's outputs, e.g. [8, 16, 32].</param>
    public DetectionLossV8(int numClasses, IReadOnlyList<double> strides, DetectionLossV8Options? options = null)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The detection head needs at least one class.");
        NumClasses = numClasses;
        _strides = strides.ToArray();
        Options = options ?? new DetectionLossV8Options();
        _assigner = new TaskAlignedAssigner(numClasses, Options.TopK, Options.Alpha, Options.Beta);
    }

    public int NumClasses { get; }
    public DetectionLossV8Options Options { get; }
    public IReadOnlyList<double> Strides => _strides;

    /// <inheritdoc />
    public IReadOnlyList<string> Names { get; } = ["box_loss", "cls_loss", "dfl_loss"];

    /// <inheritdoc />
    public string Gains => FormattableString.Invariant($"box={Options.Box} cls={Options.Cls} dfl={Options.Dfl}");

    /// <summary>Holds no native memory of its own.</summary>
    public void Dispose() { }

    /// <summary>
    /// Computes the loss for one batch.
    /// </summary>
    /// <param name="feats">Training-mode head outputs, one (B, 4·reg_max + nc, H_l, W_l) tensor per level.</param>
    /// <param name="targets">(N, 6) rows [batch_index, class, cx, cy, w, h], coordinates normalised to the input image.</param>
    /// <returns>Loss = (box·gain + cls·gain + dfl·gain)·B as a scalar with grad; Items = detached (3) gained box, cls, dfl.</returns>
    public (Tensor Loss, Tensor Items) Compute(IReadOnlyList<Tensor> feats, Tensor targets)
    {
        if (feats.Count != _strides.Length)
            throw new ArgumentException($"The v8 loss was built for {_strides.Length} levels but got {feats.Count} feature maps.", nameof(feats));
        using var scope = NewDisposeScope();
        int regMax = Options.RegMax;
        long bs = feats[0].shape[0];
        long no = NumClasses + regMax * 4;
        if (feats[0].shape[1] != no)
            throw new ArgumentException($"Expected {no} channels per level (4·{regMax} + nc {NumClasses}) but got {feats[0].shape[1]}.", nameof(feats));
        var dtype = feats[0].dtype;
        var device = feats[0].device;

        var flat = cat(feats.Select(x => x.view(bs, no, -1)).ToArray(), 2);                       // (B, no, A)
        var parts = flat.split([regMax * 4L, NumClasses], 1);
        var predDistri = parts[0].permute(0, 2, 1).contiguous();                                    // (B, A, 4·reg_max)
        var predScores = parts[1].permute(0, 2, 1).contiguous();                                    // (B, A, nc)

        double imgH = feats[0].shape[2] * _strides[0], imgW = feats[0].shape[3] * _strides[0];
        var (anchors, strideT) = TalOps.MakeAnchors(feats, _strides, 0.5);                           // (A, 2), (A, 1)

        var scale = tensor(new[] { imgW, imgH, imgW, imgH }, dtype: dtype, device: device);
        var gt = Preprocess(targets.to(dtype, device), bs, scale);                                  // (B, M, 5)
        var gtLabels = gt[TensorIndex.Ellipsis, ..1];                                               // (B, M, 1)
        var gtBboxes = gt[TensorIndex.Ellipsis, 1..5];                                              // (B, M, 4) xyxy pixels
        var maskGt = gtBboxes.sum([2], keepdim: true).gt(0.0);                                      // (B, M, 1)

        var predBboxes = BboxDecode(anchors, predDistri, regMax);                                   // (B, A, 4) xyxy grid units

        var a = _assigner.Assign(predScores.detach().sigmoid(), (predBboxes.detach() * strideT).to_type(gtBboxes.dtype),
            anchors * strideT, gtLabels, gtBboxes, maskGt);

        var targetScores = a.TargetScores.to_type(dtype);
        var targetScoresSum = targetScores.sum().clamp_min(1);
        var lossCls = nn.functional.binary_cross_entropy_with_logits(predScores, targetScores, reduction: nn.Reduction.None).sum() / targetScoresSum;

        var lossBox = zeros(1, dtype: dtype, device: device).squeeze();
        var lossDfl = zeros(1, dtype: dtype, device: device).squeeze();
        var fg = a.FgMask;
        if (fg.any().item<bool>())
        {
            var targetBboxes = a.TargetBboxes / strideT;                                            // (B, A, 4) grid units
            var weight = targetScores.sum([-1])[fg].unsqueeze(-1);                                  // (n_fg, 1)
            var iou = BboxIou.Compute(predBboxes[fg], targetBboxes[fg], xywh: false, kind: IouKind.CIou);   // (n_fg, 1)
            lossBox = ((1.0 - iou) * weight).sum() / targetScoresSum;

            var targetLtrb = TalOps.Bbox2Dist(anchors, targetBboxes, regMax - 1);                   // (B, A, 4)
            var dfl = DistributionFocalLoss.Compute(predDistri[fg].view(-1, regMax), targetLtrb[fg], regMax) * weight;
            lossDfl = dfl.sum() / targetScoresSum;
        }

        var loss = stack([lossBox * Options.Box, lossCls * Options.Cls, lossDfl * Options.Dfl]);   // (3)
        return ((loss.sum() * bs).MoveToOuterDisposeScope(), loss.detach().MoveToOuterDisposeScope());
    }

    /// <summary>(B, A, 4·reg_max) logits → (B, A, 4) xyxy boxes in grid units: softmax over bins, expectation, ltrb → xyxy.</summary>
    public static Tensor BboxDecode(Tensor anchors, Tensor predDist, int regMax = 16)
    {
        using var scope = NewDisposeScope();
        long b = predDist.shape[0], a = predDist.shape[1];
        var proj = arange(regMax, dtype: predDist.dtype, device: predDist.device);
        var dist = predDist.view(b, a, 4, regMax).softmax(3).matmul(proj);                          // (B, A, 4)
        return TalOps.Dist2Bbox(dist, anchors, xywh: false).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (N, 6) normalised targets → (B, M, 5) [class, x1, y1, x2, y2] in pixels, zero padded to the largest per-image count M,
    /// rows in batch order (ultralytics <c>v8DetectionLoss.preprocess</c>).
    /// </summary>
    public static Tensor Preprocess(Tensor targets, long batchSize, Tensor scale)
    {
        using var scope = NewDisposeScope();
        long n = targets.shape[0];
        if (n == 0)
            return zeros(batchSize, 0, 5, dtype: targets.dtype, device: targets.device).MoveToOuterDisposeScope();

        var imageIdx = targets[.., 0].to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        var rows = new List<long>[batchSize];
        for (int j = 0; j < batchSize; j++) rows[j] = new List<long>();
        for (long r = 0; r < n; r++)
        {
            long j = imageIdx[r];
            if (j >= 0 && j < batchSize) rows[j].Add(r);
        }
        long m = Math.Max(rows.Max(l => (long)l.Count), 0);
        var outT = zeros(batchSize, m, 5, dtype: targets.dtype, device: targets.device);
        for (int j = 0; j < batchSize; j++)
        {
            if (rows[j].Count == 0) continue;
            var idx = tensor(rows[j].ToArray(), device: targets.device);
            outT[j, ..rows[j].Count] = targets.index_select(0, idx)[.., 1..];
        }
        var boxes = BoxOps.XywhToXyxy(outT[TensorIndex.Ellipsis, 1..5] * scale);
        return cat([outT[TensorIndex.Ellipsis, ..1], boxes], -1).MoveToOuterDisposeScope();
    }
}
