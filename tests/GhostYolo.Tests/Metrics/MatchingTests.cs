using GhostYolo.Metrics;

namespace GhostYolo.Tests.Metrics;

public class MatchingTests
{
    static bool[] Column(bool[,] c, int det) => Enumerable.Range(0, c.GetLength(1)).Select(t => c[det, t]).ToArray();

    [Fact]
    public void IouBetweenThresholds_TrueOnlyUpToIt()
    {
        // label (0,0,100,100) vs det (0,0,100,72): IoU 0.72 → TP at 0.50 … 0.70, FP at 0.75 … 0.95.
        var c = Matching.MatchBoxes([0, 0, 100, 72], [0], [0, 0, 100, 100], [0]);
        Assert.Equal([true, true, true, true, true, false, false, false, false, false], Column(c, 0));
    }

    [Fact]
    public void OtherClassNeverMatches()
    {
        var c = Matching.MatchBoxes([0, 0, 100, 100], [1], [0, 0, 100, 100], [0]);
        Assert.All(Column(c, 0), Assert.False);
    }

    [Fact]
    public void TieRule_LowerIndexDetectionWins_EvenWithLowerIou()
    {
        // det0 (higher confidence) IoU 0.78, det1 IoU 1.0, both want the same label.
        var c = Matching.MatchBoxes([0, 0, 100, 78, 0, 0, 100, 100], [0, 0], [0, 0, 100, 100], [0]);
        Assert.Equal([true, true, true, true, true, true, false, false, false, false], Column(c, 0));
        // det1 only gets the label where det0 falls below the threshold (0.80 … 0.95)
        Assert.Equal([false, false, false, false, false, false, true, true, true, true], Column(c, 1));
    }

    [Fact]
    public void DetectionLosingItsBestLabel_IsFalsePositive_EvenIfAnotherLabelIsFree()
    {
        // labels A (0,0,100,100) and B (0,10,100,100); two identical dets on A: both pick A (IoU 1 > 0.9);
        // det1 loses A to det0 and is not re-assigned to B.
        var c = Matching.MatchBoxes([0, 0, 100, 100, 0, 0, 100, 100], [0, 0], [0, 0, 100, 100, 0, 10, 100, 100], [0, 0]);
        Assert.All(Column(c, 0), Assert.True);
        Assert.All(Column(c, 1), Assert.False);
    }
}
