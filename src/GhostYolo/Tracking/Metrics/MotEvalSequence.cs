namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// One frame as the metrics see it: ground-truth and tracker ids relabelled 0..n-1 over the sequence, in file
/// order, and the IoU of every ground-truth box (rows) with every tracker box (columns).
/// </summary>
internal sealed record MotEvalFrame(int[] GtIds, int[] TrackerIds, double[,] Similarity);

/// <summary>
/// A ground-truth sequence and a tracker's output aligned frame by frame, the common input of
/// <see cref="ClearMot"/>, <see cref="IdentityMetrics"/> and <see cref="Hota"/> (TrackEval's per-sequence
/// <c>data</c> dict after preprocessing). Class-agnostic: every box counts, whatever its class column says;
/// ground-truth rows whose column 7 (MOT17's "considered" flag) is 0 are dropped, as TrackEval drops zero-marked rows.
/// </summary>
internal sealed class MotEvalSequence
{
    public IReadOnlyList<MotEvalFrame> Frames { get; }
    public int GtIdCount { get; }
    public int TrackerIdCount { get; }
    public int GtDetections { get; }
    public int TrackerDetections { get; }

    MotEvalSequence(MotEvalFrame[] frames, int gtIds, int trackerIds, int gtDets, int trackerDets)
        => (Frames, GtIdCount, TrackerIdCount, GtDetections, TrackerDetections) = (frames, gtIds, trackerIds, gtDets, trackerDets);

    /// <summary>
    /// Aligns the two row sets over frames 1..<paramref name="frameCount"/> (default: the last frame either
    /// mentions). An id may have one box per frame.
    /// </summary>
    public static MotEvalSequence Build(IEnumerable<MotRow> groundTruth, IEnumerable<MotRow> tracker, int? frameCount = null)
    {
        var gt = groundTruth.Where(r => r.Conf != 0).ToArray();
        var trk = tracker.ToArray();
        var frames = frameCount ?? Math.Max(gt.Length == 0 ? 0 : gt.Max(r => r.Frame), trk.Length == 0 ? 0 : trk.Max(r => r.Frame));
        var gtByFrame = ByFrame(gt, frames, "ground truth");
        var trkByFrame = ByFrame(trk, frames, "tracker output");

        // Contiguous ids in ascending order of the original ids, as TrackEval relabels them.
        var gtMap = Relabel(gt);
        var trkMap = Relabel(trk);
        var result = new MotEvalFrame[frames];
        for (var f = 0; f < frames; f++)
        {
            var g = gtByFrame[f];
            var t = trkByFrame[f];
            result[f] = new MotEvalFrame(
                g.Select(r => gtMap[r.Id]).ToArray(), t.Select(r => trkMap[r.Id]).ToArray(), MotBoxIou.Matrix(g, t));
        }
        return new MotEvalSequence(result, gtMap.Count, trkMap.Count, gt.Length, trk.Length);
    }

    static List<MotRow>[] ByFrame(MotRow[] rows, int frames, string what)
    {
        var byFrame = new List<MotRow>[frames];
        for (var f = 0; f < frames; f++) byFrame[f] = [];
        foreach (var r in rows)
        {
            if (r.Frame < 1 || r.Frame > frames)
                throw new ArgumentException($"The {what} has a box in frame {r.Frame} (id {r.Id}); frames run from 1 to {frames}.");
            byFrame[r.Frame - 1].Add(r);
        }
        for (var f = 0; f < frames; f++)
        {
            var duplicate = byFrame[f].GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new ArgumentException($"The {what} has id {duplicate.Key} more than once in frame {f + 1}; an id may have one box per frame.");
        }
        return byFrame;
    }

    static Dictionary<int, int> Relabel(MotRow[] rows)
    {
        var map = new Dictionary<int, int>();
        foreach (var id in rows.Select(r => r.Id).Distinct().Order()) map[id] = map.Count;
        return map;
    }
}
