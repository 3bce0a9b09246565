using GhostYolo.Metrics;

namespace GhostYolo.Tests.Metrics;

public class ConfusionMatrixTests
{
    [Fact]
    public void CraftedImages_CountsPerCell()
    {
        var cm = new ConfusionMatrix(2);
        // Image 1: L0 c0 (0,0,10,10), L1 c1 (20,20,30,30), L2 c1 (50,50,60,60).
        // D0 c0 on L0 (correct), D1 c0 on L1 (wrong class), D2 c1 nowhere (background FP),
        // D3 c0 on L0 at conf 0.2 (ignored), D4 c0 duplicate of L0 with IoU 0.9 (loses to D0 → background FP).
        cm.ProcessBatch(
            [0, 0, 10, 10, 0.9f, 0,  20, 20, 30, 30, 0.8f, 0,  80, 80, 90, 90, 0.7f, 1,  0, 0, 10, 10, 0.2f, 0,  0, 0, 10, 9, 0.6f, 0],
            [0, 1, 1], [0, 0, 10, 10, 20, 20, 30, 30, 50, 50, 60, 60]);
        // Image 2: no pair above IoU 0.45 → the label is missed and the detection is NOT counted.
        cm.ProcessBatch([50, 50, 60, 60, 0.9f, 1], [0], [0, 0, 10, 10]);
        // Image 3: no labels → detections above 0.25 are background FPs.
        cm.ProcessBatch([0, 0, 10, 10, 0.5f, 1, 0, 0, 10, 10, 0.1f, 0], [], []);
        // Image 4: no detections → the label is missed.
        cm.ProcessBatch([], [0], [0, 0, 10, 10]);

        double[,] expected =
        {
            { 1, 1, 1 },   // predicted 0: true 0, true 1 (wrong class), background (D4)
            { 0, 0, 2 },   // predicted 1: D2, image 3
            { 2, 1, 0 },   // background: image 2 + image 4 labels of class 0, L2
        };
        Assert.Equal(expected, cm.Matrix);

        var n = cm.Normalized();
        Assert.Equal(1.0 / 3.0, n[0, 0], 6);
        Assert.Equal(2.0 / 3.0, n[2, 0], 6);
        Assert.Equal(0.5, n[2, 1], 6);
        Assert.Equal(1.0 / 3.0, n[0, 2], 6);

        var (tp, fp) = cm.TruePositivesFalsePositives();
        Assert.Equal([1.0, 0.0], tp);
        Assert.Equal([2.0, 2.0], fp);
    }

    [Fact]
    public void IouMustBeStrictlyAboveThreshold()
    {
        // (0,0,10,10) vs (0,0,10,5): IoU 0.5; with threshold 0.5 no pair matches → label missed, detection not counted.
        var cm = new ConfusionMatrix(1, iouThreshold: 0.5);
        cm.ProcessBatch([0, 0, 10, 5, 0.9f, 0], [0], [0, 0, 10, 10]);
        Assert.Equal(new double[,] { { 0, 0 }, { 1, 0 } }, cm.Matrix);
    }
}
