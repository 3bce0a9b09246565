using GhostYolo.Metrics;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Metrics;

public class DetectionMetricsTests
{
    const int Prec = 9;

    [Fact]
    public void PerfectDetector_Map0995_PAndR1()
    {
        var m = new DetectionMetrics(2);
        m.Update([0, 0, 10, 10, 0.9f, 0, 20, 20, 40, 40, 0.8f, 1], [0, 1], [0, 0, 10, 10, 20, 20, 40, 40]);
        m.Update([5, 5, 15, 15, 0.7f, 0], [0], [5, 5, 15, 15]);
        var r = m.Compute();
        Assert.Equal(0.995, r.Map50, Prec);
        Assert.Equal(0.995, r.Map, Prec);
        Assert.Equal(1.0, r.Precision, Prec);
        Assert.Equal(1.0, r.Recall, Prec);
        Assert.Equal(0.995, r.Fitness, Prec);
        Assert.Equal(2, r.Images);
        Assert.Equal(3, r.Instances);
        Assert.Equal(new ClassMetrics(0, 2, 2, r.PerClass[0].P, r.PerClass[0].R, r.PerClass[0].Ap50, r.PerClass[0].Ap), r.PerClass[0]);
        Assert.Equal((1, 1, 1), (r.PerClass[1].Class, r.PerClass[1].Images, r.PerClass[1].Instances));
    }

    [Fact]
    public void Map5095_IsMeanOfTenThresholds_WithIouBetweenThresholds()
    {
        // IoU 0.72: AP 0.995 at 0.50 … 0.70 (5 columns), 0 at 0.75 … 0.95 → mAP50-95 = 5 · 0.995 / 10.
        var m = new DetectionMetrics(1);
        m.Update([0, 0, 100, 72, 0.9f, 0], [0], [0, 0, 100, 100]);
        var r = m.Compute();
        Assert.Equal(0.995, r.Map50, Prec);
        Assert.Equal(0.4975, r.Map, Prec);
        Assert.Equal(0.0, r.Map75, Prec);
        Assert.Equal(0.1 * 0.995 + 0.9 * 0.4975, r.Fitness, Prec);
        Assert.Equal([0.4975], r.Maps.Select(v => Math.Round(v, 9)).ToArray());
    }

    [Fact]
    public void DuplicateDetection_CountsAsFalsePositive()
    {
        // labels A, B; dets: A 0.9, A again 0.8 (duplicate → FP), B 0.7.
        var m = new DetectionMetrics(1);
        m.Update([0, 0, 10, 10, 0.9f, 0, 0, 0, 10, 10, 0.8f, 0, 50, 50, 60, 60, 0.7f, 0], [0, 0], [0, 0, 10, 10, 50, 50, 60, 60]);
        var r = m.Compute();
        Assert.Equal(0.49 + 0.01 * (5.0 / 3.0) / 2 + 0.49 * 2.0 / 3.0 + 0.01 / 3.0, r.Map50, Prec);
    }

    [Fact]
    public void MissedObjectAndImageWithoutPredictions()
    {
        var m = new DetectionMetrics(1);
        m.Update([0, 0, 10, 10, 0.9f, 0], [0], [0, 0, 10, 10]);
        m.Update([], [0], [0, 0, 10, 10]);                     // missed object on an image with no predictions
        m.Update([], [], []);                                  // empty image: counted as seen, adds nothing
        var r = m.Compute();
        Assert.Equal(0.75, r.Map50, Prec);
        Assert.Equal(3, r.Images);
        Assert.Equal(2, r.PerClass[0].Images);
        Assert.Equal(2, r.PerClass[0].Instances);
    }

    [Fact]
    public void FalsePositiveOnBackgroundImage_LowersPrecision()
    {
        // FP (0.95) on an image without labels, then a TP (0.9): same numbers as FP-at-top-confidence (2/3 · 0.995 for 2 labels).
        var m = new DetectionMetrics(1);
        m.Update([0, 0, 10, 10, 0.95f, 0], [], []);
        m.Update([0, 0, 10, 10, 0.9f, 0, 30, 30, 40, 40, 0.8f, 0], [0, 0], [0, 0, 10, 10, 30, 30, 40, 40]);
        var r = m.Compute();
        Assert.Equal(2.0 / 3.0 * 0.995, r.Map50, Prec);
    }

    [Fact]
    public void NoTruePositives_AllZeros()
    {
        var m = new DetectionMetrics(3);
        m.Update([50, 50, 60, 60, 0.9f, 1], [1], [0, 0, 10, 10]);
        var r = m.Compute();
        Assert.Equal(0, r.Map);
        Assert.Null(r.Curves);
        Assert.Single(r.PerClass);
    }

    [Fact]
    public void TensorUpdate_EqualsArrayUpdate()
    {
        var a = new DetectionMetrics(1);
        a.Update([0, 0, 100, 72, 0.9f, 0], [0], [0, 0, 100, 100]);
        var b = new DetectionMetrics(1);
        using var p = tensor(new float[] { 0, 0, 100, 72, 0.9f, 0 }).reshape(1, 6);
        using var c = tensor(new float[] { 0 });
        using var g = tensor(new float[] { 0, 0, 100, 100 }).reshape(1, 4);
        b.Update(p, c, g);
        Assert.Equal(a.Compute().Map, b.Compute().Map);
    }
}
