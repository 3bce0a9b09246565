namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// ID measures for one sequence (Ristani et al. 2016): detections counted under the best one-to-one mapping of
/// whole ground-truth trajectories to whole tracker trajectories.
/// </summary>
internal sealed record IdentityResult(int IDTP, int IDFN, int IDFP)
{
    /// <summary>IDTP / (IDTP + IDFN): the share of ground-truth boxes covered by their mapped tracker id.</summary>
    public double IDR => IDTP / Math.Max(1.0, IDTP + IDFN);
    /// <summary>IDTP / (IDTP + IDFP): the share of tracker boxes on their mapped ground-truth id.</summary>
    public double IDP => IDTP / Math.Max(1.0, IDTP + IDFP);
    /// <summary>2·IDTP / (2·IDTP + IDFP + IDFN).</summary>
    public double IDF1 => IDTP / Math.Max(1.0, IDTP + 0.5 * IDFP + 0.5 * IDFN);
}

/// <summary>
/// The ID measures (Ristani et al. 2016) as TrackEval's <c>Identity</c> metric computes them. A ground-truth
/// trajectory and a tracker trajectory overlap in the frames where both have a box with IoU ≥ 0.5. Mapping the
/// pair costs the frames in which either is left alone (IDFN + IDFP); leaving a trajectory unmapped costs all its
/// boxes. Since every box is either an IDTP or an error, the minimum-cost mapping is the one that maximises the
/// summed overlap, which is what is solved here (TrackEval solves the equivalent extended square problem).
/// </summary>
internal static class IdentityMetrics
{
    public const double DefaultThreshold = 0.5;

    public static IdentityResult Compute(MotEvalSequence seq, double threshold = DefaultThreshold)
    {
        if (seq.TrackerDetections == 0) return new IdentityResult(0, seq.GtDetections, 0);
        if (seq.GtDetections == 0) return new IdentityResult(0, 0, seq.TrackerDetections);

        // overlap[g, t]: frames in which ground-truth g and tracker t have boxes with IoU ≥ threshold.
        var negOverlap = new double[seq.GtIdCount, seq.TrackerIdCount];
        foreach (var frame in seq.Frames)
            for (var i = 0; i < frame.GtIds.Length; i++)
                for (var j = 0; j < frame.TrackerIds.Length; j++)
                    if (frame.Similarity[i, j] >= threshold) negOverlap[frame.GtIds[i], frame.TrackerIds[j]] -= 1;

        // Overlaps are ≥ 0, so a complete rectangular assignment (pairs without overlap add 0) attains the maximum.
        var idtp = 0.0;
        foreach (var (g, t) in LinearAssignment.Solve(negOverlap)) idtp -= negOverlap[g, t];
        var tp = (int)Math.Round(idtp);
        return new IdentityResult(tp, seq.GtDetections - tp, seq.TrackerDetections - tp);
    }
}
