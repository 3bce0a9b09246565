using GhostYolo.Tracking.Metrics;
using static GhostYolo.Tests.Tracking.Metrics.MotBoxes;

namespace GhostYolo.Tests.Tracking.Metrics;

// CLEAR MOT on hand-worked sequences. Object A lives on row y = 0, B on y = 100; ids below 10 are ground truth
// in the comments' sense only — gt and tracker ids are separate name spaces.
public class ClearMotTests
{
    static ClearResult Clear(IEnumerable<MotRow> gt, IEnumerable<MotRow> trk)
        => ClearMot.Compute(MotEvalSequence.Build(gt, trk));

    [Fact]
    public void MissAcrossAFrameWithSomeTrackerOutput_IsAFragmentation()
    {
        // A tracked by 1 in frames 1, 2, 4, 5, missed in 3 (B's box keeps frame 3 non-empty for the tracker).
        // A resumes in frame 4 → Frag 1. A covered 4/5 = 0.8, not > 0.8 → PT; B 5/5 → MT.
        var gt = Enumerable.Range(1, 5).SelectMany(f => new[] { Box(f, 1, 0), Box(f, 2, 0, 100) });
        var trk = Enumerable.Range(1, 5).Where(f => f != 3).Select(f => Box(f, 1, 0))
            .Concat(Enumerable.Range(1, 5).Select(f => Box(f, 2, 0, 100)));
        var r = Clear(gt, trk);
        Assert.Equal((9, 1, 0, 0, 1), (r.TP, r.FN, r.FP, r.IDSW, r.Frag));
        Assert.Equal((1, 1, 0), (r.MT, r.PT, r.ML));
        Assert.Equal(0.9, r.MOTA, 12);
    }

    [Fact]
    public void MissInAFrameWithoutAnyTrackerOutput_IsNotAFragmentation_AsInTrackEval()
    {
        // TrackEval skips a frame with no tracker boxes before it forgets last frame's matches, so tracking that
        // resumes after it counts as continuing: Frag 0 (and FN 1). Kept for parity with published numbers.
        var gt = Enumerable.Range(1, 5).Select(f => Box(f, 1, 0));
        var trk = Enumerable.Range(1, 5).Where(f => f != 3).Select(f => Box(f, 1, 0));
        var r = Clear(gt, trk);
        Assert.Equal((4, 1, 0, 0, 0), (r.TP, r.FN, r.FP, r.IDSW, r.Frag));
    }

    [Fact]
    public void IdSwitchIsCountedAgainstTheLastMatch_EvenFramesAgo()
    {
        // A: id 1 in frame 1, missed in frame 2 (B keeps the frame non-empty), id 3 in frame 3 → IDSW 1, Frag 1.
        var gt = Enumerable.Range(1, 3).SelectMany(f => new[] { Box(f, 1, 0), Box(f, 2, 0, 100) });
        MotRow[] trk = [Box(1, 1, 0), Box(3, 3, 0), .. Enumerable.Range(1, 3).Select(f => Box(f, 2, 0, 100))];
        var r = Clear(gt, trk);
        Assert.Equal((5, 1, 0, 1, 1), (r.TP, r.FN, r.FP, r.IDSW, r.Frag));
        Assert.Equal((5.0 - 0 - 1) / 6, r.MOTA, 12);
    }

    [Fact]
    public void ThresholdIsInclusiveAtHalf()
    {
        // d = 10/3 gives IoU exactly 0.5 up to rounding; TrackEval accepts similarity ≥ 0.5 − eps.
        var d = 10.0 / 3;
        var r = Clear([Box(1, 1, 0)], [Box(1, 1, d)]);
        Assert.Equal(1, r.TP);
        Assert.Equal(ShiftIou(d), r.MOTP, 12);
        var below = Clear([Box(1, 1, 0)], [Box(1, 1, 3.4)]);
        Assert.Equal((0, 1, 1), (below.TP, below.FN, below.FP));
    }
}
