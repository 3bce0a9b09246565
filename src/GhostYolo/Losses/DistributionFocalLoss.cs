using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>
/// Distribution focal loss of GFL (Li et al. 2020), mirroring ultralytics <c>utils.loss.DFLoss</c>: each ltrb distance is a
/// categorical over reg_max bins; the target t is split between bins floor(t) and floor(t)+1 with linear weights.
/// </summary>
internal static class DistributionFocalLoss
{
    /// <summary>
    /// Left/right bin indices and weights for targets (…, 4), after the reference clamp to [0, reg_max − 1 − 0.01].
    /// Returns (tl int64, tr int64, wl, wr) with wl = tr − t and wr = 1 − wl.
    /// </summary>
    public static (Tensor Left, Tensor Right, Tensor WeightLeft, Tensor WeightRight) BinTargets(Tensor target, int regMax = 16)
    {
        using var scope = NewDisposeScope();
        var t = target.clamp(0, regMax - 1 - 0.01);
        var tl = t.to_type(ScalarType.Int64);   // floor for t ≥ 0
        var tr = tl + 1;
        var wl = tr.to_type(t.dtype) - t;
        var wr = 1 - wl;
        return (tl.MoveToOuterDisposeScope(), tr.MoveToOuterDisposeScope(), wl.MoveToOuterDisposeScope(), wr.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <paramref name="predDist"/> (n·4, reg_max) logits, <paramref name="target"/> (n, 4) distances in grid units →
    /// (n, 1) loss, the mean over the four sides.
    /// </summary>
    public static Tensor Compute(Tensor predDist, Tensor target, int regMax = 16)
    {
        using var scope = NewDisposeScope();
        var (tl, tr, wl, wr) = BinTargets(target, regMax);
        var ceL = nn.functional.cross_entropy(predDist, tl.view(-1), reduction: nn.Reduction.None).view(tl.shape);
        var ceR = nn.functional.cross_entropy(predDist, tr.view(-1), reduction: nn.Reduction.None).view(tl.shape);
        return (ceL * wl + ceR * wr).mean([-1], keepdim: true).MoveToOuterDisposeScope();
    }
}
