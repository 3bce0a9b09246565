namespace GhostYolo.Engine;

/// <summary>
/// The epoch learning-rate lambdas of ultralytics 8.2.103 (<c>BaseTrainer._setup_scheduler</c>): group lr = initial_lr · lf(epoch).
/// v8 semantics: the scheduler steps at the start of each epoch, so 0-based epoch e runs at lr0 · lf(e) (after warm-up).
/// </summary>
internal static class LrSchedule
{
    /// <summary>Linear decay lf(e) = max(1 − e/epochs, 0) · (1 − lrf) + lrf: 1 at e = 0, lrf at e = epochs.</summary>
    public static double Linear(double epoch, int epochs, double lrf) => Math.Max(1 - epoch / epochs, 0) * (1.0 - lrf) + lrf;

    /// <summary>Cosine (ultralytics <c>one_cycle(1, lrf, epochs)</c>): lf(e) = ((1 − cos(e·π/epochs)) / 2) · (lrf − 1) + 1.</summary>
    public static double Cosine(double epoch, int epochs, double lrf) => Math.Max((1 - Math.Cos(epoch * Math.PI / epochs)) / 2, 0) * (lrf - 1) + 1;

    /// <summary>The lambda selected by <c>cos_lr</c>.</summary>
    public static Func<double, double> Lambda(int epochs, double lrf, bool cosine = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        return cosine ? e => Cosine(e, epochs, lrf) : e => Linear(e, epochs, lrf);
    }

    /// <summary>Sets every group's lr to initial_lr · <paramref name="lf"/> (what LambdaLR.step does at an epoch boundary).</summary>
    public static void ApplyEpoch(OptimizerHandle optimizer, double lf)
    {
        for (int j = 0; j < optimizer.GroupCount; j++) optimizer.SetLr(j, optimizer.GetInitialLr(j) * lf);
    }
}
