using GhostYolo.Tracking.Metrics;
using static GhostYolo.Tests.Tracking.Metrics.MotBoxes;

namespace GhostYolo.Tests.Tracking.Metrics;

// Whole sequences whose CLEAR, ID and HOTA values are worked out by hand in the comments. Object A lives on row
// y = 0, object B on row y = 100 (never overlapping each other); boxes are 10×10 (see MotBoxes).
// HOTA notation: for a matched (gt, tracker) pair with c matches, gt length g and tracker length t, its
// association score is c / (g + t − c); AssA = Σ c·score / TP; DetA = TP / (TP + FN + FP); HOTA(α) = √(DetA·AssA).
// TrackEval, run on the same sequences (tools/trackeval-crosscheck/hand_cases.py), prints these values too.
public class HandWorkedSequenceTests
{
    const int Exact = 12;
    const int Averaged = 9;    // HOTA's averages over 19 α values

    static IEnumerable<MotRow> Frames(int from, int to, Func<int, MotRow> box) => Enumerable.Range(from, to - from + 1).Select(box);

    static void AssertCounts(MotMetrics m, int tp, int fn, int fp, int idsw, int frag, int mt, int pt, int ml)
        => Assert.Equal((tp, fn, fp, idsw, frag, mt, pt, ml), (m.TP, m.FN, m.FP, m.IDSW, m.Frag, m.MT, m.PT, m.ML));

    [Fact]
    public void PerfectTracking_IsOneEverywhere()
    {
        // 2 objects × 3 frames, tracked exactly under other id numbers (7, 9): every score is 1.
        var gt = Frames(1, 3, f => Box(f, 1, 0)).Concat(Frames(1, 3, f => Box(f, 2, 0, 100)));
        var trk = Frames(1, 3, f => Box(f, 7, 0)).Concat(Frames(1, 3, f => Box(f, 9, 0, 100)));
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 6, fn: 0, fp: 0, idsw: 0, frag: 0, mt: 2, pt: 0, ml: 0);
        foreach (var v in new[] { m.MOTA, m.MOTP, m.IDF1, m.IDP, m.IDR, m.HOTA, m.DetA, m.AssA, m.LocA, m.Precision, m.Recall })
            Assert.Equal(1.0, v, Exact);
        Assert.Equal((6, 0, 0), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(6, m.GT);
    }

    [Fact]
    public void OneIdSwitch()
    {
        // A: tracker id 1 in frames 1–2, id 3 in frames 3–4; B: id 2 throughout. 8 gt boxes, all matched.
        // CLEAR: IDSW 1 (A in frame 3), MOTA = 1 − 1/8 = 0.875; tracking never pauses → Frag 0; MT 2.
        // ID: overlaps A–1 2, A–3 2, B–2 4 → best mapping A–1, B–2: IDTP 6, IDFN 2, IDFP 2 → IDF1 = IDP = IDR = 0.75.
        // HOTA (IoU 1 everywhere, same for every α): DetA 1; pairs A–1 2/(4+2−2) = ½, A–3 ½, B–2 1
        // → AssA = (2·½ + 2·½ + 4·1) / 8 = 0.75, HOTA = √0.75.
        var gt = Frames(1, 4, f => Box(f, 1, 0)).Concat(Frames(1, 4, f => Box(f, 2, 0, 100)));
        var trk = Frames(1, 4, f => Box(f, f <= 2 ? 1 : 3, 0)).Concat(Frames(1, 4, f => Box(f, 2, 0, 100)));
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 8, fn: 0, fp: 0, idsw: 1, frag: 0, mt: 2, pt: 0, ml: 0);
        Assert.Equal(0.875, m.MOTA, Exact);
        Assert.Equal(1.0, m.MOTP, Exact);
        Assert.Equal((6, 2, 2), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(0.75, m.IDF1, Exact);
        Assert.Equal(0.75, m.IDP, Exact);
        Assert.Equal(0.75, m.IDR, Exact);
        Assert.Equal(1.0, m.DetA, Averaged);
        Assert.Equal(0.75, m.AssA, Averaged);
        Assert.Equal(Math.Sqrt(0.75), m.HOTA, Averaged);
        Assert.Equal(1.0, m.LocA, Averaged);
    }

    [Fact]
    public void Fragmentation()
    {
        // A: id 1 in frames 1, 2, 4, 5 (missed in 3); B: id 2 in all 5 frames. 10 gt boxes.
        // CLEAR: TP 9, FN 1, FP 0, IDSW 0, Frag 1 (A resumes in 4), MOTA 0.9, recall 0.9, precision 1;
        // A tracked 4/5 = 0.8 (not > 0.8) → PT, B → MT.
        // ID: A–1 4, B–2 5 → IDTP 9, IDFN 1, IDFP 0: IDR 0.9, IDP 1, IDF1 = 9 / 9.5.
        // HOTA: DetA = 9/10; A–1 4/(5+4−4) = 0.8, B–2 1 → AssA = (4·0.8 + 5·1)/9 = 8.2/9; HOTA = √(0.9 · 8.2/9) = √0.82.
        var gt = Frames(1, 5, f => Box(f, 1, 0)).Concat(Frames(1, 5, f => Box(f, 2, 0, 100)));
        var trk = Frames(1, 5, f => Box(f, 1, 0)).Where(r => r.Frame != 3).Concat(Frames(1, 5, f => Box(f, 2, 0, 100)));
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 9, fn: 1, fp: 0, idsw: 0, frag: 1, mt: 1, pt: 1, ml: 0);
        Assert.Equal(0.9, m.MOTA, Exact);
        Assert.Equal(0.9, m.Recall, Exact);
        Assert.Equal(1.0, m.Precision, Exact);
        Assert.Equal((9, 1, 0), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(9 / 9.5, m.IDF1, Exact);
        Assert.Equal(0.9, m.DetA, Averaged);
        Assert.Equal(8.2 / 9, m.AssA, Averaged);
        Assert.Equal(Math.Sqrt(0.82), m.HOTA, Averaged);
    }

    [Fact]
    public void FalsePositivesFalseNegativesAndLocalisation()
    {
        // 3 frames. A tracked by id 1 shifted 2 px (IoU 2/3) in every frame; B is never found: a far-away FP (id 5)
        // in frame 2 and a box on B shifted 5 px (IoU 1/3, id 6) in frame 3.
        // CLEAR (IoU ≥ 0.5): TP 3 (A), FN 3 (B), FP 2 (id 5, id 6): MOTA = (3 − 2)/6 = 1/6, MOTP = 2/3,
        // recall 0.5, precision 3/5; A MT, B ML.
        // ID: A–1 overlaps 3 frames, B–6 none (1/3 < 0.5): IDTP 3, IDFN 3, IDFP 2 → IDR 0.5, IDP 0.6, IDF1 = 3/5.5.
        // HOTA: B–6 is matched in frame 3 (score > 0) and counts while α ≤ 1/3.
        //   α = 0.05…0.30 (6 values): TP 4, FN 2, FP 1 → DetA 4/7; AssA = (3·1 + 1·1/(3+1−1))/4 = 5/6;
        //     LocA = (3·2/3 + 1/3)/4 = 7/12.
        //   α = 0.35…0.65 (7): TP 3, FN 3, FP 2 → DetA 3/8; AssA 1; LocA 2/3.
        //   α = 0.70…0.95 (6): no TP → DetA 0, AssA 0, HOTA 0, LocA 1 (TrackEval's 1e-10/1e-10).
        MotRow[] gt = [.. Frames(1, 3, f => Box(f, 1, 0)), .. Frames(1, 3, f => Box(f, 2, 0, 100))];
        MotRow[] trk = [.. Frames(1, 3, f => Box(f, 1, 2)), Box(2, 5, 500, 500), Box(3, 6, 5, 100)];
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 3, fn: 3, fp: 2, idsw: 0, frag: 0, mt: 1, pt: 0, ml: 1);
        Assert.Equal(1.0 / 6, m.MOTA, Exact);
        Assert.Equal(2.0 / 3, m.MOTP, Exact);
        Assert.Equal(0.5, m.Recall, Exact);
        Assert.Equal(0.6, m.Precision, Exact);
        Assert.Equal((3, 3, 2), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(0.5, m.IDR, Exact);
        Assert.Equal(0.6, m.IDP, Exact);
        Assert.Equal(3 / 5.5, m.IDF1, Exact);

        Assert.Equal((6 * Math.Sqrt(4.0 / 7 * 5 / 6) + 7 * Math.Sqrt(3.0 / 8)) / 19, m.HOTA, Averaged);
        Assert.Equal((6 * 4.0 / 7 + 7 * 3.0 / 8) / 19, m.DetA, Averaged);
        Assert.Equal((6 * 5.0 / 6 + 7) / 19, m.AssA, Averaged);
        Assert.Equal((6 * 7.0 / 12 + 7 * 2.0 / 3 + 6) / 19, m.LocA, Averaged);
        Assert.Equal(4, m.HotaPerAlpha.TP[5]);     // α = 0.30
        Assert.Equal(3, m.HotaPerAlpha.TP[6]);     // α = 0.35
        Assert.Equal(0, m.HotaPerAlpha.TP[13]);    // α = 0.70
    }

    [Fact]
    public void SwapOfTwoIds()
    {
        // Ids 1 (on A) and 2 (on B) swap objects after frame 2 of 4.
        // CLEAR: TP 8, IDSW 2 (both objects in frame 3) → MOTA = 1 − 2/8 = 0.75; Frag 0.
        // ID: each of the four (gt, tracker) pairs overlaps 2 frames → IDTP 4, IDFN 4, IDFP 4, IDF1 0.5.
        // HOTA: DetA 1; every pair 2/(4+4−2) = 1/3 → AssA 1/3, HOTA = √(1/3).
        var gt = Frames(1, 4, f => Box(f, 1, 0)).Concat(Frames(1, 4, f => Box(f, 2, 0, 100)));
        var trk = Frames(1, 4, f => Box(f, f <= 2 ? 1 : 2, 0)).Concat(Frames(1, 4, f => Box(f, f <= 2 ? 2 : 1, 0, 100)));
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 8, fn: 0, fp: 0, idsw: 2, frag: 0, mt: 2, pt: 0, ml: 0);
        Assert.Equal(0.75, m.MOTA, Exact);
        Assert.Equal((4, 4, 4), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(0.5, m.IDF1, Exact);
        Assert.Equal(1.0 / 3, m.AssA, Averaged);
        Assert.Equal(Math.Sqrt(1.0 / 3), m.HOTA, Averaged);
    }

    [Fact]
    public void ContinuingMatchIsKeptWhileStillValid()
    {
        // Frame 1: A at x 0 (id 1), B far away at x 100 on A's row (id 2). Frame 2: B moves to x 4, right next to A,
        // and the only tracker box, id 1, is at x 3: IoU with A 7/13 ≈ 0.54, with B 9/11 ≈ 0.82.
        // Plain max-IoU matching would give id 1 to B (a switch for B and for id 1); the bonus for last frame's
        // pair keeps id 1 on A. Frame 3: both back as in frame 1.
        // CLEAR: TP 5, FN 1 (B in frame 2), FP 0, IDSW 0, MOTA 5/6, MOTP = (4 + 7/13)/5; B tracked, lost, tracked
        // again → Frag 1; A 3/3 MT, B 2/3 PT.
        // ID: A–1 3 frames (7/13 ≥ 0.5), B–1 1, B–2 2 → mapping A–1, B–2: IDTP 5, IDFN 1, IDFP 0, IDF1 = 5/5.5.
        // HOTA: alignment A–1 ≈ 0.665 vs B–1 ≈ 0.112, so frame 2 matches A–1 (score 0.358 vs 0.091).
        //   α ≤ 0.50 (10 values): TP 5, FN 1, FP 0 → DetA 5/6; AssA = (3·1 + 2·2/3)/5 = 13/15; LocA = (4 + 7/13)/5.
        //   α ≥ 0.55 (9): TP 4, FN 2, FP 1 → DetA 4/7; A–1 2/(3+3−2) = ½, B–2 2/3 → AssA = (2·½ + 2·2/3)/4 = 7/12; LocA 1.
        MotRow[] gt = [Box(1, 1, 0), Box(1, 2, 100), Box(2, 1, 0), Box(2, 2, 4), Box(3, 1, 0), Box(3, 2, 100)];
        MotRow[] trk = [Box(1, 1, 0), Box(1, 2, 100), Box(2, 1, 3), Box(3, 1, 0), Box(3, 2, 100)];
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 5, fn: 1, fp: 0, idsw: 0, frag: 1, mt: 1, pt: 1, ml: 0);
        Assert.Equal(5.0 / 6, m.MOTA, Exact);
        Assert.Equal((4 + 7.0 / 13) / 5, m.MOTP, Exact);
        Assert.Equal((5, 1, 0), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(5 / 5.5, m.IDF1, Exact);
        Assert.Equal((10 * 5.0 / 6 + 9 * 4.0 / 7) / 19, m.DetA, Averaged);
        Assert.Equal((10 * 13.0 / 15 + 9 * 7.0 / 12) / 19, m.AssA, Averaged);
        Assert.Equal((10 * (4 + 7.0 / 13) / 5 + 9) / 19, m.LocA, Averaged);
        Assert.Equal((10 * Math.Sqrt(5.0 / 6 * 13 / 15) + 9 * Math.Sqrt(4.0 / 7 * 7 / 12)) / 19, m.HOTA, Averaged);
    }

    [Fact]
    public void EmptyTrackerOutput()
    {
        // 2 objects × 3 frames, nothing tracked: all 6 boxes FN, both objects ML; every score 0 except LocA,
        // which TrackEval reports as 1 when nothing was matched.
        var gt = Frames(1, 3, f => Box(f, 1, 0)).Concat(Frames(1, 3, f => Box(f, 2, 0, 100)));
        var m = MotEvaluator.Evaluate(gt, []);
        AssertCounts(m, tp: 0, fn: 6, fp: 0, idsw: 0, frag: 0, mt: 0, pt: 0, ml: 2);
        foreach (var v in new[] { m.MOTA, m.MOTP, m.IDF1, m.IDP, m.IDR, m.HOTA, m.DetA, m.AssA, m.Precision, m.Recall })
            Assert.Equal(0.0, v, Exact);
        Assert.Equal(1.0, m.LocA, Exact);
        Assert.Equal((0, 6, 0), (m.IDTP, m.IDFN, m.IDFP));
    }

    [Fact]
    public void EmptyGroundTruth()
    {
        // 4 tracker boxes and no objects: 4 FP; MOTA = (0 − 4)/max(1, 0) = −4 as TrackEval floors the denominator.
        // (TrackEval's COMBINED row prints −400; its per-sequence row prints 0 because CLEAR returns early there.)
        MotRow[] trk = [Box(1, 1, 0), Box(2, 1, 0), Box(2, 2, 50), Box(3, 2, 50)];
        var m = MotEvaluator.Evaluate([], trk);
        AssertCounts(m, tp: 0, fn: 0, fp: 4, idsw: 0, frag: 0, mt: 0, pt: 0, ml: 0);
        Assert.Equal(-4.0, m.MOTA, Exact);
        Assert.Equal((0, 0, 4), (m.IDTP, m.IDFN, m.IDFP));
        Assert.Equal(0.0, m.IDF1, Exact);
        Assert.Equal(0.0, m.HOTA, Exact);
        Assert.Equal(1.0, m.LocA, Exact);
        Assert.Equal(0, m.GT);
    }

    [Fact]
    public void BothEmpty_IsAllZeros()
    {
        var m = MotEvaluator.Evaluate([], []);
        Assert.Equal(0.0, m.MOTA);
        Assert.Equal(0.0, m.IDF1);
        Assert.Equal(0.0, m.HOTA);
        Assert.Equal(0, m.Frames);
    }

    [Fact]
    public void GroundTruthMarkedNotConsidered_IsIgnored()
    {
        // MOT17's column 7 = 0: the row is dropped, so a tracker box on it is an ordinary FP (class-agnostic:
        // there is no distractor-class removal).
        MotRow[] gt = [Box(1, 1, 0, conf: 1), Box(1, 2, 0, 100, conf: 0)];
        MotRow[] trk = [Box(1, 5, 0), Box(1, 6, 0, 100)];
        var m = MotEvaluator.Evaluate(gt, trk);
        AssertCounts(m, tp: 1, fn: 0, fp: 1, idsw: 0, frag: 0, mt: 1, pt: 0, ml: 0);
        Assert.Equal(1, m.GtIds);
    }

    [Fact]
    public void SerialisesUnderTheCommunityNames()
    {
        var gt = Frames(1, 4, f => Box(f, 1, 0)).Concat(Frames(1, 4, f => Box(f, 2, 0, 100)));
        var trk = Frames(1, 4, f => Box(f, f <= 2 ? 1 : 3, 0)).Concat(Frames(1, 4, f => Box(f, 2, 0, 100)));
        var m = MotEvaluator.Evaluate(gt, trk);
        var json = m.ToJson();
        foreach (var key in new[] { "MOTA", "MOTP", "IDF1", "IDP", "IDR", "HOTA", "DetA", "AssA", "LocA", "IDSW", "Frag",
                     "FP", "FN", "TP", "GT", "MT", "PT", "ML", "Precision", "Recall" })
            Assert.Contains($"\"{key}\":", json);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(0.875, doc.RootElement.GetProperty("MOTA").GetDouble(), Exact);
        Assert.Equal(1, doc.RootElement.GetProperty("IDSW").GetInt32());
        var back = MotMetrics.FromJson(json);
        Assert.Equal(m.IDF1, back.IDF1);
        Assert.Equal(m.HotaPerAlpha.HOTA, back.HotaPerAlpha.HOTA);
    }
}
