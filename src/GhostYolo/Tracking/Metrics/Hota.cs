namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// HOTA for one sequence (Luiten et al. 2021), per localisation threshold α = 0.05, 0.10, …, 0.95 and averaged
/// over them (the single numbers papers and TrackEval's summary report).
/// </summary>
internal sealed record HotaResult(double[] Alphas, double[] HOTA, double[] DetA, double[] AssA, double[] LocA,
    double[] DetRe, double[] DetPr, double[] AssRe, double[] AssPr, int[] TP, int[] FN, int[] FP)
{
    public double HotaMean => HOTA.Average();
    public double DetAMean => DetA.Average();
    public double AssAMean => AssA.Average();
    public double LocAMean => LocA.Average();
}

/// <summary>
/// HOTA (Luiten et al. 2021) as TrackEval's <c>HOTA</c> metric computes it. First a global alignment score per
/// (ground-truth id, tracker id): a soft Jaccard index of the two trajectories in which each frame's overlap is
/// the pair's IoU normalised by the IoUs it competes with in that frame. In each frame, pairs are then matched by
/// maximising IoU × alignment (so detections join the trajectory they agree with overall), and for each α a match
/// counts if its IoU ≥ α. DetA = TP / (TP + FN + FP); AssA = the mean over TPs of the Jaccard index of the matched
/// pair's trajectories (TPA / (TPA + FNA + FPA)); LocA = mean IoU of TPs; HOTA(α) = √(DetA·AssA).
/// </summary>
internal static class Hota
{
    /// <summary>α = 0.05, 0.10, …, 0.95 as numpy's <c>arange(0.05, 0.99, 0.05)</c> produces them (bit for bit).</summary>
    public static double[] Alphas { get; } = Enumerable.Range(0, 19).Select(k => 0.05 + k * 0.05).ToArray();

    public static HotaResult Compute(MotEvalSequence seq)
    {
        var n = Alphas.Length;
        double[] Fill(double v) => Enumerable.Repeat(v, n).ToArray();
        if (seq.TrackerDetections == 0 || seq.GtDetections == 0)
        {
            // TrackEval reports LocA = 1 when there is nothing to localise; every other score is 0.
            return new HotaResult(Alphas, Fill(0), Fill(0), Fill(0), Fill(1), Fill(0), Fill(0), Fill(0), Fill(0),
                new int[n], Enumerable.Repeat(seq.GtDetections, n).ToArray(), Enumerable.Repeat(seq.TrackerDetections, n).ToArray());
        }
        const double eps = MachineEpsilon.Value;
        int gIds = seq.GtIdCount, tIds = seq.TrackerIdCount;

        var gtCount = new double[gIds];
        var trkCount = new double[tIds];
        var soft = new double[gIds, tIds];
        foreach (var f in seq.Frames)
        {
            var (g, t, sim) = (f.GtIds, f.TrackerIds, f.Similarity);
            var rowSum = new double[g.Length];
            var colSum = new double[t.Length];
            for (var i = 0; i < g.Length; i++)
                for (var j = 0; j < t.Length; j++) { rowSum[i] += sim[i, j]; colSum[j] += sim[i, j]; }
            for (var i = 0; i < g.Length; i++)
                for (var j = 0; j < t.Length; j++)
                {
                    var denom = colSum[j] + rowSum[i] - sim[i, j];
                    if (denom > eps) soft[g[i], t[j]] += sim[i, j] / denom;
                }
            foreach (var id in g) gtCount[id]++;
            foreach (var id in t) trkCount[id]++;
        }
        var alignment = new double[gIds, tIds];
        for (var a = 0; a < gIds; a++)
            for (var b = 0; b < tIds; b++)
                alignment[a, b] = soft[a, b] / (gtCount[a] + trkCount[b] - soft[a, b]);

        var tp = new int[n];
        var fn = new int[n];
        var fp = new int[n];
        var locSum = new double[n];
        var matches = new int[n][,];
        for (var k = 0; k < n; k++) matches[k] = new int[gIds, tIds];

        foreach (var f in seq.Frames)
        {
            var (g, t, sim) = (f.GtIds, f.TrackerIds, f.Similarity);
            if (g.Length == 0 || t.Length == 0)
            {
                for (var k = 0; k < n; k++) { fp[k] += t.Length; fn[k] += g.Length; }
                continue;
            }
            var negScore = new double[g.Length, t.Length];
            for (var i = 0; i < g.Length; i++)
                for (var j = 0; j < t.Length; j++)
                    negScore[i, j] = -(alignment[g[i], t[j]] * sim[i, j]);
            var pairs = LinearAssignment.Solve(negScore);
            for (var k = 0; k < n; k++)
            {
                var count = 0;
                foreach (var (i, j) in pairs)
                {
                    if (sim[i, j] < Alphas[k] - eps) continue;
                    count++;
                    locSum[k] += sim[i, j];
                    matches[k][g[i], t[j]]++;
                }
                tp[k] += count;
                fn[k] += g.Length - count;
                fp[k] += t.Length - count;
            }
        }

        var hota = new double[n];
        var detA = new double[n];
        var assA = new double[n];
        var locA = new double[n];
        var detRe = new double[n];
        var detPr = new double[n];
        var assRe = new double[n];
        var assPr = new double[n];
        for (var k = 0; k < n; k++)
        {
            double aA = 0, aRe = 0, aPr = 0;
            for (var a = 0; a < gIds; a++)
                for (var b = 0; b < tIds; b++)
                {
                    var c = matches[k][a, b];
                    if (c == 0) continue;
                    // Every TP of pair (a, b) scores the pair's association Jaccard index, hence the weight c.
                    aA += c * (c / Math.Max(1, gtCount[a] + trkCount[b] - c));
                    aRe += c * (c / Math.Max(1, gtCount[a]));
                    aPr += c * (c / Math.Max(1, trkCount[b]));
                }
            var denomTp = Math.Max(1, tp[k]);
            assA[k] = aA / denomTp;
            assRe[k] = aRe / denomTp;
            assPr[k] = aPr / denomTp;
            locA[k] = Math.Max(1e-10, locSum[k]) / Math.Max(1e-10, tp[k]);
            detRe[k] = (double)tp[k] / Math.Max(1, tp[k] + fn[k]);
            detPr[k] = (double)tp[k] / Math.Max(1, tp[k] + fp[k]);
            detA[k] = (double)tp[k] / Math.Max(1, tp[k] + fn[k] + fp[k]);
            hota[k] = Math.Sqrt(detA[k] * assA[k]);
        }
        return new HotaResult(Alphas, hota, detA, assA, locA, detRe, detPr, assRe, assPr, tp, fn, fp);
    }
}
