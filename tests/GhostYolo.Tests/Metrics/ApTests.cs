using GhostYolo.Metrics;

namespace GhostYolo.Tests.Metrics;

public class ApTests
{
    const int Prec = 9;

    [Fact]
    public void ComputeAp_PerfectDetector_Is0995()
    {
        // ultralytics' sentinel mpre[-1] = 0 sits at recall 1.0, so the last of the 101 points is 0:
        // 99 intervals at 1 + one half interval = 0.995 (the familiar "perfect" ultralytics AP).
        Assert.Equal(0.995, ApPerClass.ComputeAp([0.5, 1.0], [1.0, 1.0]), Prec);
    }

    [Fact]
    public void ComputeAp_FalsePositiveAtTopConfidence()
    {
        // FP 0.9, TP 0.8, TP 0.7 with 2 labels: precision 0, 1/2, 2/3; envelope 2/3 over the whole recall range → 2/3 · 0.995.
        Assert.Equal(2.0 / 3.0 * 0.995, ApPerClass.ComputeAp([0, 0.5, 1.0], [0, 0.5, 2.0 / 3.0]), Prec);
    }

    [Fact]
    public void ComputeAp_MissedObject()
    {
        // one TP of two labels: precision 1 up to recall 0.5, then linear to 0 at recall 1 → 0.5 + 0.25.
        Assert.Equal(0.75, ApPerClass.ComputeAp([0.5], [1.0]), Prec);
    }

    [Fact]
    public void ComputeAp_DuplicateBetweenTwoTruePositives()
    {
        // TP, duplicate FP, TP over 2 labels: recall .5 .5 1, precision 1 .5 2/3; envelope 1,1,2/3,2/3,0.
        // np.interp takes the right-most duplicate at x = 0.5 (2/3). Points 0..49 → 1, 50..99 → 2/3, 100 → 0:
        // 0.49 + 0.01·(1 + 2/3)/2 + 0.49·2/3 + 0.01·(2/3)/2.
        var expected = 0.49 + 0.01 * (5.0 / 3.0) / 2 + 0.49 * 2.0 / 3.0 + 0.01 / 3.0;
        Assert.Equal(expected, ApPerClass.ComputeAp([0.5, 0.5, 1.0], [1.0, 0.5, 2.0 / 3.0]), Prec);
    }

    [Fact]
    public void Interp_FollowsNumpyEdges()
    {
        double[] xp = [0, 0.5, 0.5, 1], fp = [1, 1, 0.5, 0];
        var y = NumpyMath.Interp([-1, 0.25, 0.5, 0.75, 1, 2], xp, fp, left: 7);
        Assert.Equal([7, 1, 0.5, 0.25, 0, 0], y);
    }

    [Fact]
    public void Smooth_HasWidth101For1000Points_AndKeepsConstants()
    {
        var y = Enumerable.Range(0, 1000).Select(i => i < 500 ? 1.0 : 0.0).ToArray();
        var s = NumpyMath.Smooth(y, 0.1);
        Assert.Equal(1000, s.Length);
        Assert.Equal(1.0, s[0], Prec);
        Assert.Equal(1.0, s[449], Prec);            // window 399..499 all ones
        Assert.Equal(100.0 / 101.0, s[450], Prec);  // window 400..500 has one zero
        Assert.Equal(0.0, s[999], Prec);
    }

    [Fact]
    public void Thresholds_AreTorchLinspace()
    {
        var t = Matching.IouThresholds;
        Assert.Equal(10, t.Count);
        Assert.Equal(0.5f, t[0]);
        Assert.Equal(0.95f, t[9]);
        for (var i = 0; i < 10; i++) Assert.Equal(0.5 + 0.05 * i, t[i], 6);
    }

    [Fact]
    public void ApPerClass_PAndRAtBestF1_AndCurves()
    {
        // class 0: TP 0.9, FP 0.6, TP 0.3 for 2 labels; class 1: one label, no prediction (AP 0).
        var tp = new bool[3, 1] { { true }, { false }, { true } };
        var r = ApPerClass.Compute(tp, [0.9f, 0.6f, 0.3f], [0, 0, 0], [0, 0, 1]);
        Assert.Equal([0, 1], r.Classes);
        Assert.Equal([2, 1], r.Instances);
        // recall .5 .5 1; precision 1 .5 2/3; envelope 1, 1, 2/3(at .5), 2/3, 0 → same as the duplicate case.
        Assert.Equal(0.49 + 0.01 * (5.0 / 3.0) / 2 + 0.49 * 2.0 / 3.0 + 0.01 / 3.0, r.Ap[0][0], Prec);
        Assert.Equal(0, r.Ap[1][0]);
        // curves: recall 0 above the top confidence, precision 1 there (np.interp left values).
        Assert.Equal(0, r.RCurve[0][999]);
        Assert.Equal(1, r.PCurve[0][999]);
        // below the lowest confidence the last values hold: recall 1, precision 2/3.
        Assert.Equal(1.0, r.RCurve[0][0], Prec);
        Assert.Equal(2.0 / 3.0, r.PCurve[0][0], Prec);
        Assert.Equal(1000, r.PrCurve[0].Length);
        Assert.Equal(1.0, r.PrCurve[0][0]);
        // the reported P/R are the curve values at BestIndex
        Assert.Equal(r.PCurve[0][r.BestIndex], r.P[0]);
        Assert.Equal(r.RCurve[1][r.BestIndex], r.R[1]);
    }
}
