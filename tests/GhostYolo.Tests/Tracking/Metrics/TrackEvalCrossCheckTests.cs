using GhostYolo.Tracking.Metrics;

namespace GhostYolo.Tests.Tracking.Metrics;

// One synthetic sequence (100 frames, 8 objects; noise, misses, two ID swaps, a re-born track, false tracks,
// not-considered gt rows) evaluated by TrackEval and by GhostYolo. Fixtures/gt.txt and Fixtures/tracker.txt were
// written by tools/trackeval-crosscheck/make_sequence.py --seed 19 (100 frames, seqinfo seqLength=100).
//
// Expected values are TrackEval's printed summary (percentages / 100), from JonathonLuiten/TrackEval at commit
// 12c8791 ("added tabulate requirements ..."), run from a scratch copy outside this repository in which np.float,
// np.int and np.bool were replaced by float, int and bool for numpy 1.24 (nothing else changed), with Debian's
// python3 (numpy 1.24.2, scipy 1.10.1):
//   tools/trackeval-crosscheck/run_trackeval.sh /tmp/trackeval SEQ_DIR
// which calls scripts/run_mot_challenge.py --BENCHMARK MOT17 --SPLIT_TO_EVAL train --CLASSES_TO_EVAL pedestrian
//   --METRICS HOTA CLEAR Identity --USE_PARALLEL False (all gt rows are class 1, so its pedestrian evaluation is
//   class-agnostic here).
public class TrackEvalCrossCheckTests
{
    const double Tol = 1e-3;

    static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "GhostYolo.Tests", "Tracking", "Metrics", "Fixtures", name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{name} not found under tests/GhostYolo.Tests/Tracking/Metrics/Fixtures above the test binaries");
    }

    [Fact]
    public void SyntheticSequence_EqualsTrackEval()
    {
        var gt = MotText.Read(Fixture("gt.txt"), 100);
        var trk = MotText.Read(Fixture("tracker.txt"), 100);
        var m = MotEvaluator.Evaluate(gt, trk, 100);

        // HOTA: HOTA DetA AssA DetRe DetPr AssRe AssPr LocA → 54.826 67.704 44.402 72.354 86.003 52.319 66.537 89.612
        Assert.Equal(0.54826, m.HOTA, Tol);
        Assert.Equal(0.67704, m.DetA, Tol);
        Assert.Equal(0.44402, m.AssA, Tol);
        Assert.Equal(0.89612, m.LocA, Tol);
        Assert.Equal(0.72354, m.HotaPerAlpha.DetRe.Average(), Tol);
        Assert.Equal(0.86003, m.HotaPerAlpha.DetPr.Average(), Tol);
        Assert.Equal(0.52319, m.HotaPerAlpha.AssRe.Average(), Tol);
        Assert.Equal(0.66537, m.HotaPerAlpha.AssPr.Average(), Tol);
        // HOTA(0) = HOTA at α = 0.05: 61.637; LocA(0) 88.701.
        Assert.Equal(0.61637, m.HotaPerAlpha.HOTA[0], Tol);
        Assert.Equal(0.88701, m.HotaPerAlpha.LocA[0], Tol);

        // CLEAR: MOTA 74.422, MOTP 88.733, CLR_Re 79.661, CLR_Pr 94.689; TP 517 FN 132 FP 29 IDSW 5 MT 6 PT 1 ML 1 Frag 55.
        Assert.Equal(0.74422, m.MOTA, Tol);
        Assert.Equal(0.88733, m.MOTP, Tol);
        Assert.Equal(0.79661, m.Recall, Tol);
        Assert.Equal(0.94689, m.Precision, Tol);
        Assert.Equal((517, 132, 29, 5), (m.TP, m.FN, m.FP, m.IDSW));
        Assert.Equal((6, 1, 1, 55), (m.MT, m.PT, m.ML, m.Frag));

        // Identity: IDF1 61.925, IDR 57.011, IDP 67.766; IDTP 370 IDFN 279 IDFP 176.
        Assert.Equal(0.61925, m.IDF1, Tol);
        Assert.Equal(0.57011, m.IDR, Tol);
        Assert.Equal(0.67766, m.IDP, Tol);
        Assert.Equal((370, 279, 176), (m.IDTP, m.IDFN, m.IDFP));

        // Count: Dets 546, GT_Dets 649, IDs 20, GT_IDs 8.
        Assert.Equal((546, 649, 20, 8), (m.TrackerDetections, m.GT, m.TrackerIds, m.GtIds));
    }
}
