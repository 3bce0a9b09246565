using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using GhostYolo.Weights;

namespace GhostYolo.Tests.Engine;

public class AutoAnchorTests
{
    /// <summary>Images of 100×50 px (long side → 200 at imgsz 200, so 2× in both directions) with the given normalised box sizes.</summary>
    private static LabeledImage[] Images(params (float W, float H)[] boxes)
        => boxes.Select((b, i) => new LabeledImage($"im{i}.jpg", $"im{i}.txt", 50, 100, [new NormBox(0, 0.5f, 0.5f, b.W, b.H)])).ToArray();

    /// <summary>
    /// Labels 20×10, 40×40 and 190×10 px (after the 2× resize); one anchor 20×20. Ratio metric min over w, h of min(r, 1/r):
    /// 20×10 → min(1, 0.5) = 0.5; 40×40 → 0.5; 190×10 → min(20/190, 0.5) = 0.105. With anchor_t 4 (threshold 0.25) two of three
    /// labels are recallable: BPR 2/3, and each of those has exactly one anchor above the threshold: 2/3 anchors per target.
    /// </summary>
    [Fact]
    public void MetricMatchesHandComputedRecall()
    {
        var images = Images((0.1f, 0.1f), (0.2f, 0.4f), (0.95f, 0.1f));
        var wh = AutoAnchor.LabelSizes(images, 200);
        Assert.Equal(new[] { 20f, 10f }, wh[0]);
        Assert.Equal(new[] { 190f, 10f }, wh[2]);
        var (bpr, aat) = AutoAnchor.Metric(wh, [[20f, 20f]], 4.0);
        Assert.Equal(2.0 / 3, bpr, 6);
        Assert.Equal(2.0 / 3, aat, 6);
        // A second anchor 200×10 catches the long thin label (min(190/200, 10/10) = 0.95): all recallable.
        Assert.Equal(1.0, AutoAnchor.Metric(wh, [[20f, 20f], [200f, 10f]], 4.0).Bpr, 6);
        // Fitness = mean of best·[best > 1/4] = (0.5 + 0.5 + 0) / 3.
        Assert.Equal(1.0 / 3, AutoAnchor.Fitness(wh, [[20f, 20f]], 4.0), 6);
    }

    private static LabeledImage[] Spread(int n, int seed)
    {
        // Two clusters of shapes: small squares and wide bars, at 320 px.
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => new LabeledImage($"im{i}.jpg", $"im{i}.txt", 320, 320,
            i % 2 == 0
                ? [new NormBox(0, 0.5f, 0.5f, 0.02f + 0.01f * (float)rng.NextDouble(), 0.02f + 0.01f * (float)rng.NextDouble())]
                : [new NormBox(1, 0.5f, 0.5f, 0.6f + 0.2f * (float)rng.NextDouble(), 0.05f + 0.02f * (float)rng.NextDouble())])).ToArray();
    }

    [Fact]
    public void EvolutionNeverLowersFitnessAndIsSeeded()
    {
        var images = Spread(200, 1);
        var wh = AutoAnchor.LabelSizes(images, 320).Where(w => w[0] >= 2 || w[1] >= 2).ToArray();
        var noEvolution = AutoAnchor.KMeanAnchors(images, 4, 320, 4.0, new Random(0), generations: 0);
        var evolved = AutoAnchor.KMeanAnchors(images, 4, 320, 4.0, new Random(0), generations: 300);
        Assert.True(AutoAnchor.Fitness(wh, evolved, 4.0) >= AutoAnchor.Fitness(wh, noEvolution, 4.0));
        // Sorted small to large by area, and the same for the same seed.
        Assert.True(evolved.Zip(evolved.Skip(1)).All(p => p.First[0] * p.First[1] <= p.Second[0] * p.Second[1]));
        var again = AutoAnchor.KMeanAnchors(images, 4, 320, 4.0, new Random(0), generations: 300);
        Assert.Equal(evolved.SelectMany(a => a), again.SelectMany(a => a));
    }

    [Fact]
    public void PoorAnchorsAreReplacedWithBetterOnes()
    {
        var images = Spread(200, 2);
        float[][] poor = [[300f, 300f], [310f, 300f], [300f, 310f], [305f, 305f]];
        var lines = new List<string>();
        var fit = AutoAnchor.Check(images, poor, 320, 4.0, new Random(0), generations: 200);
        Assert.True(fit.Bpr < 0.98);
        Assert.True(fit.Replaced);
        Assert.Contains(fit.Lines, l => l.Contains("Anchors are a poor fit to dataset"));
        Assert.Contains(fit.Lines, l => l.StartsWith("AutoAnchor: Done ✅"));
        var wh = AutoAnchor.LabelSizes(images, 320);
        Assert.True(AutoAnchor.Metric(wh, fit.Anchors, 4.0).Bpr > fit.Bpr);
        // Good anchors are kept as they are.
        var good = AutoAnchor.Check(images, fit.Anchors, 320, 4.0, new Random(0));
        Assert.False(good.Replaced);
        Assert.Contains("Current anchors are a good fit to dataset", good.Lines[0]);
    }

    [Fact]
    public void KMeansFindsTwoClusters()
    {
        var pts = Enumerable.Range(0, 40).Select(i => i < 20 ? new double[] { 1 + 0.01 * i, 1 } : new double[] { 10 + 0.01 * i, 10 }).ToArray();
        var (centres, _) = AnchorKMeans.Run(pts, 2, new Random(0));
        var sorted = centres.OrderBy(c => c[0]).ToArray();
        Assert.Equal(1.095, sorted[0][0], 6);
        Assert.Equal(10.295, sorted[1][0], 6);
    }

    [Fact]
    public void NewAnchorsFollowStrideOrderAndSurviveSaveLoad()
    {
        using var model = new ModelBuilder().Build("yolov5n.yaml", 2);
        var head = (DetectV5)model.Head!;
        // Given large to small, the levels are reversed to follow the ascending strides (check_anchor_order flips levels, not the
        // anchors inside one): level 0 gets anchors 2, 1, 0 (50×62, 30×37, 10×12) and level 2 gets 8, 7, 6.
        float[] px = [.. Enumerable.Range(0, 9).Reverse().SelectMany(i => new[] { 10f + 20 * i, 12f + 25 * i })];
        head.SetPixelAnchors(px);
        var got = head.PixelAnchors();
        Assert.Equal([50f, 62f], got[0]);
        Assert.Equal([10f, 12f], got[2]);
        Assert.Equal([130f, 162f], got[^1]);
        // Level 0 (stride 8) anchors are stored in grid units.
        Assert.Equal(50f / 8, head.AnchorsGrid[0, 0, 0].item<float>(), 5);

        var path = Path.Combine(Path.GetTempPath(), $"anchors-{Guid.NewGuid():N}.gyt");
        try
        {
            var info = new CheckpointInfo { ModelYaml = model.Definition.Yaml, ModelName = model.Definition.DisplayName, Scale = model.Definition.Scale, Nc = 2, Names = ["a", "b"] };
            new Checkpoint(info, model.state_dict()).Save(path);
            using var ckpt = Checkpoint.Load(path);
            using var loaded = ckpt.BuildModel();
            Assert.Equal(got.SelectMany(a => a), ((DetectV5)loaded.Head!).PixelAnchors().SelectMany(a => a));
        }
        finally { File.Delete(path); }
    }
}
