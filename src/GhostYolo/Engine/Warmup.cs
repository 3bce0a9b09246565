namespace GhostYolo.Engine;

/// <summary>Warm-up settings; defaults equal ultralytics <c>default.yaml</c>.</summary>
/// <param name="WarmupBiasLr">Start lr of group 0 (biases). Under optimizer "auto" the reference uses 0; <see cref="Warmup.Apply"/> takes the
/// effective value from the <see cref="OptimizerHandle"/>, so this field only matters for <see cref="Warmup.At"/>.</param>
/// <param name="Momentum">The config momentum warm-up ends at (also when auto picked SGD with momentum 0.9).</param>
internal sealed record WarmupSettings(double WarmupEpochs = 3.0, double WarmupMomentum = 0.8, double WarmupBiasLr = 0.1, double Momentum = 0.937, int Nbs = 64)
{
    /// <summary>The warm-up part of the training options.</summary>
    public static WarmupSettings From(TrainOptions o) => new(o.WarmupEpochs, o.WarmupMomentum, o.WarmupBiasLr, o.Momentum, o.Nbs);
}

/// <summary>Values for one parameter group at one warm-up iteration.</summary>
internal readonly record struct WarmupValues(double Lr, double Momentum, int Accumulate);

/// <summary>
/// Per-iteration warm-up of ultralytics 8.2.103 <c>BaseTrainer._do_train</c> (§3.5): for ni ≤ nw, linear interpolation over [0, nw]
/// of accumulate (1 → nbs/batch), lr (warmup_bias_lr for group 0 or 0 for the others → initial_lr · lf(epoch)) and
/// SGD momentum (warmup_momentum → momentum).
/// </summary>
internal static class Warmup
{
    /// <summary>
    /// nw = max(round(warmup_epochs · nb), 100), or −1 (no warm-up) when warmup_epochs ≤ 0 (v8; pass <paramref name="yolov5"/> for
    /// v5, which has no −1 branch).
    /// </summary>
    public static int Iterations(double warmupEpochs, int batchesPerEpoch, bool yolov5 = false)
    {
        if (warmupEpochs <= 0 && !yolov5) return -1;
        return Math.Max((int)Math.Round(warmupEpochs * batchesPerEpoch, MidpointRounding.ToEven), 100);
    }

    /// <summary>True while iteration <paramref name="ni"/> is inside the warm-up (ni ≤ nw).</summary>
    public static bool IsActive(long ni, int nw) => ni <= nw;

    /// <summary>np.interp(x, [0, x1], [y0, y1]) including its clamping outside [0, x1].</summary>
    public static double Interp(double x, double x1, double y0, double y1)
    {
        if (x <= 0) return y0;
        if (x >= x1) return y1;
        return y0 + (y1 - y0) * x / x1;
    }

    /// <summary>max(1, round(interp(ni, [0, nw], [1, nbs / batch]))) with half-to-even rounding.</summary>
    public static int Accumulate(long ni, int nw, int batchSize, int nbs = 64) =>
        Math.Max(1, (int)Math.Round(Interp(ni, nw, 1, nbs / (double)batchSize), MidpointRounding.ToEven));

    /// <summary>
    /// Warm-up values of group <paramref name="group"/> at global iteration <paramref name="ni"/> (valid for ni ≤ nw).
    /// <paramref name="lfEpoch"/> is the LR lambda at the current epoch, so the lr ends at initial_lr · lf(epoch).
    /// </summary>
    public static WarmupValues At(long ni, int nw, int group, double initialLr, double lfEpoch, int batchSize, WarmupSettings settings)
    {
        double lr = Interp(ni, nw, group == 0 ? settings.WarmupBiasLr : 0.0, initialLr * lfEpoch);
        double momentum = Interp(ni, nw, settings.WarmupMomentum, settings.Momentum);
        return new WarmupValues(lr, momentum, Accumulate(ni, nw, batchSize, settings.Nbs));
    }

    /// <summary>
    /// Applies the warm-up to every group if ni ≤ nw (momentum only for SGD, as the reference) and returns the accumulate to use;
    /// outside the warm-up nothing changes and <paramref name="currentAccumulate"/> is returned.
    /// The bias start lr is the handle's <see cref="OptimizerHandle.WarmupBiasLr"/> (0 under optimizer "auto").
    /// </summary>
    public static int Apply(OptimizerHandle optimizer, long ni, int nw, double lfEpoch, int batchSize, WarmupSettings settings, int currentAccumulate)
    {
        if (!IsActive(ni, nw)) return currentAccumulate;
        var s = settings with { WarmupBiasLr = optimizer.WarmupBiasLr };
        int accumulate = currentAccumulate;
        for (int j = 0; j < optimizer.GroupCount; j++)
        {
            var v = At(ni, nw, j, optimizer.GetInitialLr(j), lfEpoch, batchSize, s);
            optimizer.SetLr(j, v.Lr);
            optimizer.SetMomentum(j, v.Momentum);
            accumulate = v.Accumulate;
        }
        return accumulate;
    }
}
