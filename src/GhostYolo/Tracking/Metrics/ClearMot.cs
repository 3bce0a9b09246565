namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// CLEAR MOT counts for one sequence (Bernardin &amp; Stiefelhagen 2008) with the ratios derived from them as
/// TrackEval's <c>CLEAR._compute_final_fields</c> defines them (denominators floored at 1, so empty inputs give 0).
/// </summary>
internal sealed record ClearResult(int TP, int FN, int FP, int IDSW, int Frag, int MT, int PT, int ML, double MotpSum)
{
    /// <summary>Ground-truth boxes: TP + FN.</summary>
    public int GT => TP + FN;
    /// <summary>1 − (FN + FP + IDSW) / GT; can be negative.</summary>
    public double MOTA => (TP - FP - IDSW) / Math.Max(1.0, GT);
    /// <summary>Mean IoU of the matched pairs (TrackEval's MOTP is a similarity, not a distance).</summary>
    public double MOTP => MotpSum / Math.Max(1.0, TP);
    /// <summary>MOTA without the ID switches.</summary>
    public double MODA => (TP - FP) / Math.Max(1.0, GT);
    public double Recall => TP / Math.Max(1.0, GT);
    public double Precision => TP / Math.Max(1.0, TP + FP);
}

/// <summary>
/// CLEAR MOT (Bernardin &amp; Stiefelhagen 2008) as TrackEval's <c>CLEAR</c> metric computes it. In each frame a
/// ground-truth box and a tracker box may match when IoU ≥ 0.5; a pair that was matched in the previous frame gets
/// a bonus of 1000 so that continuing matches are kept whenever still valid, then the assignment maximises the
/// score (which, second, maximises the summed IoU). An ID switch is a ground-truth object matched to a different
/// tracker id than the last time it was matched (any number of frames ago); a fragmentation is every resumption
/// of tracking after the first. MT / PT / ML: objects tracked in &gt; 80 %, 20–80 %, &lt; 20 % of their frames.
/// </summary>
internal static class ClearMot
{
    /// <summary>The IoU a match needs (TrackEval's default THRESHOLD).</summary>
    public const double DefaultThreshold = 0.5;

    const double ContinuationBonus = 1000;

    public static ClearResult Compute(MotEvalSequence seq, double threshold = DefaultThreshold)
    {
        if (seq.TrackerDetections == 0) return new ClearResult(0, seq.GtDetections, 0, 0, 0, 0, 0, seq.GtIdCount, 0);
        if (seq.GtDetections == 0) return new ClearResult(0, 0, seq.TrackerDetections, 0, 0, 0, 0, 0, 0);
        const double eps = MachineEpsilon.Value;

        var frames = new int[seq.GtIdCount];        // frames each object is present in
        var matchedFrames = new int[seq.GtIdCount];
        var trackedSpans = new int[seq.GtIdCount];   // times tracking of the object (re)started
        var lastTracker = new int?[seq.GtIdCount];   // tracker id at the object's last match, for IDSW
        var prevTracker = new int?[seq.GtIdCount];   // tracker id in the previous evaluated frame, for the bonus
        int tp = 0, fn = 0, fp = 0, idsw = 0;
        var motpSum = 0.0;

        foreach (var frame in seq.Frames)
        {
            var (gtIds, trkIds, sim) = (frame.GtIds, frame.TrackerIds, frame.Similarity);
            // A frame with no boxes on one side leaves prevTracker as it was: TrackEval skips such frames before it
            // updates that state, so a match across an empty-tracker frame still counts as continuing.
            if (gtIds.Length == 0) { fp += trkIds.Length; continue; }
            if (trkIds.Length == 0)
            {
                fn += gtIds.Length;
                foreach (var g in gtIds) frames[g]++;
                continue;
            }

            var negScore = new double[gtIds.Length, trkIds.Length];
            for (var i = 0; i < gtIds.Length; i++)
                for (var j = 0; j < trkIds.Length; j++)
                {
                    var s = sim[i, j] < threshold - eps ? 0
                        : sim[i, j] + (prevTracker[gtIds[i]] == trkIds[j] ? ContinuationBonus : 0);
                    negScore[i, j] = -s;
                }

            var matched = new List<(int Gt, int Trk, double Iou)>();
            foreach (var (i, j) in LinearAssignment.Solve(negScore))
                if (-negScore[i, j] > eps) matched.Add((gtIds[i], trkIds[j], sim[i, j]));

            foreach (var g in gtIds) frames[g]++;
            var wasTracked = prevTracker.Select(p => p.HasValue).ToArray();
            Array.Fill(prevTracker, null);
            foreach (var (g, t, iou) in matched)
            {
                if (lastTracker[g] is { } last && last != t) idsw++;
                lastTracker[g] = t;
                prevTracker[g] = t;
                matchedFrames[g]++;
                if (!wasTracked[g]) trackedSpans[g]++;
                motpSum += iou;
            }
            tp += matched.Count;
            fn += gtIds.Length - matched.Count;
            fp += trkIds.Length - matched.Count;
        }

        int mt = 0, pt = 0;
        for (var g = 0; g < seq.GtIdCount; g++)
        {
            if (frames[g] == 0) continue;
            var ratio = (double)matchedFrames[g] / frames[g];
            if (ratio > 0.8) mt++;
            else if (ratio >= 0.2) pt++;
        }
        var frag = trackedSpans.Where(s => s > 0).Sum(s => s - 1);
        return new ClearResult(tp, fn, fp, idsw, frag, mt, pt, seq.GtIdCount - mt - pt, motpSum);
    }
}
