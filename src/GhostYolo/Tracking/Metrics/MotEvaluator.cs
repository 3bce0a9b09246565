namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// The front door of the tracking metrics (<c>ghostyolo track --eval</c>): a ground-truth sequence and a tracker's
/// output, as MOTChallenge rows or files, in; CLEAR MOT, ID measures and HOTA out, computed as TrackEval's
/// MotChallenge2DBox evaluation does for one sequence, class-agnostic (the class column is not read and no
/// distractor classes are removed; ground-truth rows with column 7 = 0 are ignored).
/// </summary>
internal static class MotEvaluator
{
    /// <summary>
    /// Evaluates rows already in memory. <paramref name="frameCount"/> is the sequence length (default: the last
    /// frame either side mentions); frames without boxes change no metric, it only bounds the valid frames.
    /// </summary>
    public static MotMetrics Evaluate(IEnumerable<MotRow> groundTruth, IEnumerable<MotRow> tracker, int? frameCount = null)
    {
        var seq = MotEvalSequence.Build(groundTruth, tracker, frameCount);
        return MotMetrics.From(seq, ClearMot.Compute(seq), IdentityMetrics.Compute(seq), Hota.Compute(seq));
    }

    /// <summary>
    /// Evaluates MOTChallenge files. The sequence length comes from <paramref name="seqInfoPath"/>, else from the
    /// <c>seqinfo.ini</c> of the ground truth's sequence folder (<c>SEQ/gt/gt.txt</c> → <c>SEQ/seqinfo.ini</c>) if
    /// there is one; rows past it are an error naming the file and line, as in TrackEval.
    /// </summary>
    public static MotMetrics EvaluateFiles(string groundTruthPath, string trackerPath, string? seqInfoPath = null)
    {
        var ini = seqInfoPath ?? SeqInfo.FindFor(groundTruthPath);
        int? length = ini is null ? null : SeqInfo.Read(ini).SeqLength;
        var gt = MotText.Read(groundTruthPath, length);
        var trk = MotText.Read(trackerPath, length);
        return Evaluate(gt, trk, length);
    }
}
