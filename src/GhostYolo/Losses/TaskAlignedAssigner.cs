using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>Output of <see cref="TaskAlignedAssigner.Assign"/>; all tensors are detached.</summary>
/// <param name="TargetLabels">(B, A) int64 class of the gt each anchor is assigned to (0 for background).</param>
/// <param name="TargetBboxes">(B, A, 4) xyxy gt box per anchor, in the units of the gt boxes passed in.</param>
/// <param name="TargetScores">(B, A, nc) soft one-hot targets, normalised per gt (zero for background).</param>
/// <param name="FgMask">(B, A) bool, true for foreground anchors.</param>
/// <param name="TargetGtIdx">(B, A) int64 index of the assigned gt within its image.</param>
internal sealed record AssignResult(Tensor TargetLabels, Tensor TargetBboxes, Tensor TargetScores, Tensor FgMask, Tensor TargetGtIdx);

/// <summary>
/// Task-aligned assigner of TOOD (Feng et al. 2021) as used by YOLOv8, mirroring ultralytics 8.2.103
/// <c>utils.tal.TaskAlignedAssigner</c>: alignment metric score^alpha · CIoU^beta, top-k anchors inside each gt,
/// one gt per anchor by highest CIoU, soft targets normalised by each gt's best IoU.
/// </summary>
internal sealed class TaskAlignedAssigner
{
    /// <summary>Creates the assigner with the reference defaults (topk 10, alpha 0.5, beta 6, eps 1e-9).</summary>
    public TaskAlignedAssigner(int numClasses, int topK = 10, double alpha = 0.5, double beta = 6.0, double eps = 1e-9)
    {
        NumClasses = numClasses;
        TopK = topK;
        Alpha = alpha;
        Beta = beta;
        Eps = eps;
    }

    public int NumClasses { get; }
    public int TopK { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public double Eps { get; }

    /// <summary>
    /// Assigns gts to anchors. Everything must be in the same pixel space.
    /// </summary>
    /// <param name="pdScores">(B, A, nc) sigmoid class scores.</param>
    /// <param name="pdBboxes">(B, A, 4) predicted xyxy boxes.</param>
    /// <param name="ancPoints">(A, 2) anchor centres.</param>
    /// <param name="gtLabels">(B, M, 1) gt classes.</param>
    /// <param name="gtBboxes">(B, M, 4) gt xyxy boxes.</param>
    /// <param name="maskGt">(B, M, 1) 1 for real gts, 0 for padding.</param>
    public AssignResult Assign(Tensor pdScores, Tensor pdBboxes, Tensor ancPoints, Tensor gtLabels, Tensor gtBboxes, Tensor maskGt)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long bs = pdScores.shape[0], na = pdScores.shape[1], nMax = gtBboxes.shape[1];
        if (nMax == 0)
        {
            var bg = zeros(bs, na, dtype: ScalarType.Int64, device: pdScores.device);
            return Out(new AssignResult(bg.alias(), zeros_like(pdBboxes), zeros_like(pdScores),
                zeros(bs, na, dtype: ScalarType.Bool, device: pdScores.device), bg.alias()));
        }

        // get_pos_mask
        var maskInGts = SelectCandidatesInGts(ancPoints, gtBboxes, Eps);                       // (B, M, A)
        var (alignMetric, overlaps) = BoxMetrics(pdScores, pdBboxes, gtLabels, gtBboxes, maskInGts * maskGt);
        var maskTopk = SelectTopkCandidates(alignMetric, maskGt.expand(-1, -1, Math.Min(TopK, na)).to_type(ScalarType.Bool));
        var maskPos = maskTopk * maskInGts * maskGt;                                            // (B, M, A)

        var (targetGtIdx, fgMask, maskPos2) = SelectHighestOverlaps(maskPos, overlaps);
        maskPos = maskPos2;

        // get_targets
        var batchInd = arange(bs, dtype: ScalarType.Int64, device: pdScores.device).unsqueeze(-1);   // (B, 1)
        var flatIdx = targetGtIdx + batchInd * nMax;                                                // (B, A)
        var targetLabels = gtLabels.to_type(ScalarType.Int64).flatten()[flatIdx].clamp_min(0);       // (B, A)
        var targetBboxes = gtBboxes.view(-1, gtBboxes.shape[^1])[flatIdx];                          // (B, A, 4)
        // Normalise so that each gt's best-aligned anchor gets that gt's best IoU as its soft label.
        alignMetric = alignMetric * maskPos;
        var posAlign = alignMetric.amax([-1], keepdim: true);                                     // (B, M, 1)
        var posOverlaps = (overlaps * maskPos).amax([-1], keepdim: true);                          // (B, M, 1)
        var norm = (alignMetric * posOverlaps / (posAlign + Eps)).amax([-2]);                      // (B, A)

        // The reference builds an int64 one-hot, zeroes background rows and multiplies by norm; scattering norm·fg straight
        // into a float one-hot gives the same numbers without three (B, A, nc) int64 passes.
        var fg = fgMask.gt(0);
        var value = (norm * fg.to_type(norm.dtype)).unsqueeze(-1);                                 // (B, A, 1)
        var scores = zeros(bs, na, NumClasses, dtype: pdScores.dtype, device: pdScores.device)
            .scatter_(2, targetLabels.unsqueeze(-1), value.to_type(pdScores.dtype));              // (B, A, nc)

        return Out(new AssignResult(targetLabels, targetBboxes, scores, fg, targetGtIdx));
    }

    private static AssignResult Out(AssignResult r) => new(
        r.TargetLabels.MoveToOuterDisposeScope(), r.TargetBboxes.MoveToOuterDisposeScope(), r.TargetScores.MoveToOuterDisposeScope(),
        r.FgMask.MoveToOuterDisposeScope(), r.TargetGtIdx.MoveToOuterDisposeScope());

    /// <summary>(A, 2) anchors, (B, M, 4) xyxy gts → (B, M, A) float mask of anchors strictly inside each gt (margin &gt; eps).</summary>
    public static Tensor SelectCandidatesInGts(Tensor ancPoints, Tensor gtBboxes, double eps = 1e-9)
    {
        using var scope = NewDisposeScope();
        var ax = ancPoints[.., 0].view(1, 1, -1);                                       // (1, 1, A)
        var ay = ancPoints[.., 1].view(1, 1, -1);
        var g = gtBboxes.unsqueeze(-1);                                                  // (B, M, 4, 1)
        // min(l, t, r, b) > eps, written as four comparisons (same result, no (B, M, A, 4) temporary).
        var inside = (ax - g[.., .., 0]).gt(eps)
            .logical_and_((ay - g[.., .., 1]).gt(eps))
            .logical_and_((g[.., .., 2] - ax).gt(eps))
            .logical_and_((g[.., .., 3] - ay).gt(eps));                                  // (B, M, A)
        return inside.to_type(gtBboxes.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Alignment metric and CIoU (clamped ≥ 0), both (B, M, A), computed only where <paramref name="mask"/> is set.</summary>
    private (Tensor Align, Tensor Overlaps) BoxMetrics(Tensor pdScores, Tensor pdBboxes, Tensor gtLabels, Tensor gtBboxes, Tensor mask)
    {
        long na = pdBboxes.shape[^2], nMax = gtBboxes.shape[1];
        var m = mask.to_type(ScalarType.Bool);                                                      // (B, M, A)
        var overlaps = zeros(m.shape, dtype: pdBboxes.dtype, device: pdBboxes.device);
        // pd_scores[b, :, label_g] for every gt → (B, M, A)
        var labels = gtLabels.to_type(ScalarType.Int64).expand(-1, -1, na);                          // (B, M, A)
        var allScores = pdScores.transpose(1, 2).gather(1, labels);                                  // (B, M, A)
        var bboxScores = where(m, allScores, zeros_like(allScores));

        var pd = pdBboxes.unsqueeze(1).expand(-1, nMax, -1, -1)[m];                                 // (n, 4)
        var gt = gtBboxes.unsqueeze(2).expand(-1, -1, na, -1)[m];                                   // (n, 4)
        var iou = BboxIou.Compute(gt, pd, xywh: false, kind: IouKind.CIou).squeeze(-1).clamp_min(0);
        overlaps.masked_scatter_(m, iou);

        var align = bboxScores.pow(Alpha) * overlaps.pow(Beta);
        return (align, overlaps);
    }

    /// <summary>(B, M, A) metric → (B, M, A) 0/1 mask of each gt's top-k anchors; padded gts select nothing.</summary>
    private Tensor SelectTopkCandidates(Tensor metrics, Tensor topkMask)
    {
        int k = (int)Math.Min(TopK, metrics.shape[^1]);
        var (_, topkIdxs) = metrics.topk(k, dim: -1, largest: true);                                // (B, M, k)
        // Padded gts point all k picks at anchor 0, so its count becomes k > 1 and is wiped below (unless k == 1).
        topkIdxs = topkIdxs.masked_fill(topkMask.logical_not(), 0);
        var count = zeros(metrics.shape, dtype: ScalarType.Int8, device: metrics.device);
        count.scatter_add_(-1, topkIdxs, ones_like(topkIdxs, dtype: ScalarType.Int8));
        count.masked_fill_(count > 1, 0);
        return count.to_type(metrics.dtype);
    }

    /// <summary>
    /// Resolves anchors claimed by several gts in favour of the gt with the highest CIoU
    /// (ultralytics <c>select_highest_overlaps</c>). Returns target gt index (B, A), fg count (B, A) and the new mask (B, M, A).
    /// </summary>
    private static (Tensor TargetGtIdx, Tensor Fg, Tensor MaskPos) SelectHighestOverlaps(Tensor maskPos, Tensor overlaps)
    {
        long nMax = maskPos.shape[1];
        var fg = maskPos.sum([-2]);                                                                  // (B, A)
        if ((fg > 1).any().item<bool>())
        {
            var multi = (fg.unsqueeze(1) > 1).expand(-1, nMax, -1);                                  // (B, M, A)
            var maxIdx = overlaps.argmax(1);                                                         // (B, A)
            var isMax = zeros_like(maskPos).scatter_(1, maxIdx.unsqueeze(1), ones_like(maxIdx.unsqueeze(1), dtype: maskPos.dtype));
            maskPos = where(multi, isMax, maskPos);
            fg = maskPos.sum([-2]);
        }
        var targetGtIdx = maskPos.argmax(-2);                                                        // (B, A)
        return (targetGtIdx, fg, maskPos);
    }
}
