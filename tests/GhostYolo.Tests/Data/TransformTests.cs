using GhostYolo.Data;
using GhostYolo.Data.Transforms;
using OpenCvSharp;

namespace GhostYolo.Tests.Data;

public class TransformTests(ShapesFixture fx) : IClassFixture<ShapesFixture>
{
    private static Sample Blank(int h, int w, params LabelBox[] boxes) =>
        new() { Image = new Mat(h, w, MatType.CV_8UC3, new Scalar(10, 20, 30)), Boxes = [.. boxes], Original = (h, w), Resized = (h, w) };

    [Fact]
    public void Flip_MapsBoxesByHand()
    {
        using var s = Blank(10, 20, new LabelBox(3, 2, 3, 5, 8));
        s.Image.Set(0, 0, new Vec3b(255, 0, 0));
        new RandomFlip(1.0, FlipDirection.Horizontal).Apply(s, new Random(0));
        Assert.Equal(new LabelBox(3, 15, 3, 18, 8), s.Boxes[0]);
        Assert.Equal(255, s.Image.At<Vec3b>(0, 19).Item0);
        new RandomFlip(1.0, FlipDirection.Vertical).Apply(s, new Random(0));
        Assert.Equal(new LabelBox(3, 15, 2, 18, 7), s.Boxes[0]);
        new RandomFlip(0.0, FlipDirection.Vertical).Apply(s, new Random(0));
        Assert.Equal(new LabelBox(3, 15, 2, 18, 7), s.Boxes[0]);
    }

    [Theory]
    [InlineData(10, 10, 3, 3, false)]    // area ratio 0.09
    [InlineData(10, 10, 4, 4, true)]     // 0.16
    [InlineData(10, 10, 2, 50, false)]   // w ≤ 2 px
    [InlineData(1000, 10, 300, 2.5, false)] // aspect 120
    [InlineData(100, 10, 90, 9, true)]
    public void BoxCandidates_Rules(double w1, double h1, double w2, double h2, bool keep) =>
        Assert.Equal(keep, RandomPerspective.BoxCandidates(w1, h1, w2, h2));

    [Fact]
    public void Perspective_WithoutJitter_IsIdentity()
    {
        using var s = Blank(64, 64, new LabelBox(1, 5, 6, 30, 40));
        s.Image.Set(5, 7, new Vec3b(1, 2, 3));
        new RandomPerspective(translate: 0, scale: 0).Apply(s, new Random(1));
        Assert.Equal(new LabelBox(1, 5, 6, 30, 40), Assert.Single(s.Boxes));
        Assert.Equal(new Vec3b(1, 2, 3), s.Image.At<Vec3b>(5, 7));
    }

    [Fact]
    public void Hsv_ZeroGainKeepsImage_AndNonZeroChangesIt()
    {
        using var s = Blank(8, 8);
        new RandomHsv(0, 0, 0).Apply(s, new Random(0));
        Assert.Equal(new Vec3b(10, 20, 30), s.Image.At<Vec3b>(3, 3));
        using var t = Blank(8, 8);
        new RandomHsv(0.5, 0.9, 0.9).Apply(t, new Random(0));
        Assert.NotEqual(new Vec3b(10, 20, 30), t.Image.At<Vec3b>(3, 3));
    }

    private sealed class OneImageSource(int s) : ISampleSource
    {
        public int Count => 1;
        public Sample LoadImageAndLabel(int index) => Blank(s, s / 2, new LabelBox(2, 0, 0, s / 2f, s / 4f));
    }

    [Fact]
    public void Mosaic_BuildsA2sCanvas_WithClippedBoxes()
    {
        const int S = 64;
        var src = new OneImageSource(S);
        for (int seed = 0; seed < 20; seed++)
        {
            using var s = src.LoadImageAndLabel(0);
            new Mosaic(src, S).Apply(s, new Random(seed));
            Assert.Equal((2 * S, 2 * S), (s.Image.Rows, s.Image.Cols));
            Assert.Equal((-S / 2, -S / 2), s.MosaicBorder);
            Assert.InRange(s.Boxes.Count, 1, 4);
            Assert.All(s.Boxes, b =>
            {
                Assert.Equal(2, b.Class);
                Assert.True(b.X1 >= 0 && b.Y1 >= 0 && b.X2 <= 2 * S && b.Y2 <= 2 * S && b.W * b.H > 0);
            });
        }
    }

    /// <summary>Each image a full-size box of its own class (the sample's is class 0, partners class 1).</summary>
    private sealed class TwoClassSource(int s) : ISampleSource
    {
        public int Count => 3;
        public Sample LoadImageAndLabel(int index) => Blank(s, s, new LabelBox(1, 0, 0, s, s));
    }

    /// <summary>yolov5's load_mosaic shuffles the four tiles: the sample's own image lands in every quadrant across seeds.</summary>
    [Fact]
    public void Yolov5Mosaic_PutsTheSampleInARandomQuadrant()
    {
        const int S = 64;
        var src = new TwoClassSource(S);
        var quadrants = new HashSet<(bool Right, bool Bottom)>();
        for (int seed = 0; seed < 40; seed++)
        {
            using var s = Blank(S, S, new LabelBox(0, 0, 0, S, S));
            new Mosaic(src, S, yolov5: true).Apply(s, new Random(seed));
            Assert.Equal((2 * S, 2 * S), (s.Image.Rows, s.Image.Cols));
            var own = Assert.Single(s.Boxes, b => b.Class == 0);
            Assert.True(own.X1 >= 0 && own.Y1 >= 0 && own.X2 <= 2 * S && own.Y2 <= 2 * S);
            quadrants.Add(((own.X1 + own.X2) / 2 > S, (own.Y1 + own.Y2) / 2 > S));
        }
        Assert.Equal(4, quadrants.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrainPipeline_KeepsBoxesInside_AndDropsDegenerate(bool closeMosaic)
    {
        var aug = new AugmentOptions { Degrees = 10, Shear = 5, Perspective = 0.0005, Mixup = 0.5 };
        using var ds = YoloDataset.ForTraining(fx.Train, fx.Definition.Names, imgsz: 64, batchSize: 4, augment: aug);
        if (closeMosaic) ds.CloseMosaic();
        int nc = fx.Definition.Nc, total = 0;
        var buffer = Enumerable.Range(0, ds.Count).ToArray();
        for (int seed = 0; seed < 6; seed++)
            for (int i = 0; i < ds.Count; i++)
            {
                var item = ds.GetItem(i, epoch: 0, seed: seed, buffer);
                Assert.Equal((64, 64), (item.Height, item.Width));
                Assert.Equal(3 * 64 * 64, item.Chw.Length);
                for (int k = 0; k < item.Labels.Length; k += 5, total++)
                {
                    float c = item.Labels[k], cx = item.Labels[k + 1], cy = item.Labels[k + 2], w = item.Labels[k + 3], h = item.Labels[k + 4];
                    Assert.InRange(c, 0, nc - 1);
                    Assert.Equal(c, MathF.Floor(c));
                    Assert.InRange(cx - w / 2, -1e-5f, 1 + 1e-5f);
                    Assert.InRange(cx + w / 2, -1e-5f, 1 + 1e-5f);
                    Assert.InRange(cy - h / 2, -1e-5f, 1 + 1e-5f);
                    Assert.InRange(cy + h / 2, -1e-5f, 1 + 1e-5f);
                    Assert.True(w * 64 > 2 && h * 64 > 2, "boxes of ≤ 2 px must be dropped");
                }
            }
        Assert.True(total > 50);
    }

    [Fact]
    public void NoJitterPipeline_KeepsEveryBoxAndClass()
    {
        // Images are generated at 96, loaded at 96: LetterBox is a pad only; flips keep boxes, so classes must match exactly.
        var aug = new AugmentOptions { Mosaic = 0, Translate = 0, Scale = 0, FlipUd = 0.5 };
        using var ds = YoloDataset.ForTraining(fx.Train, fx.Definition.Names, imgsz: 96, batchSize: 4, augment: aug);
        for (int i = 0; i < ds.Count; i++)
        {
            var item = ds.GetItem(i, 0, seed: 11);
            var before = fx.Train.Images[i].Boxes.Select(b => b.Class).Order().ToArray();
            var after = Enumerable.Range(0, item.Labels.Length / 5).Select(k => (int)item.Labels[5 * k]).Order().ToArray();
            Assert.Equal(before, after);
            var areaBefore = fx.Train.Images[i].Boxes.Sum(b => b.W * fx.Train.Images[i].Width * b.H * fx.Train.Images[i].Height);
            var areaAfter = Enumerable.Range(0, item.Labels.Length / 5).Sum(k => item.Labels[5 * k + 3] * 96 * item.Labels[5 * k + 4] * 96);
            Assert.Equal(areaBefore, areaAfter, 0.5);
        }
    }

    [Fact]
    public void CloseMosaic_RebuildsWithoutMosaicAndMixUp()
    {
        var src = new OneImageSource(64);
        var open = TrainTransforms.Build(new AugmentOptions { Mixup = 0.2 }, 64, src);
        Assert.Equal([typeof(Mosaic), typeof(RandomPerspective), typeof(MixUp), typeof(RandomHsv), typeof(RandomFlip), typeof(RandomFlip)],
            open.Steps.Select(t => t.GetType()));
        var closed = TrainTransforms.Build(new AugmentOptions { Mixup = 0.2 }.WithoutMosaic(), 64, src);
        Assert.Equal([typeof(RandomPerspective), typeof(RandomHsv), typeof(RandomFlip), typeof(RandomFlip)], closed.Steps.Select(t => t.GetType()));
        // Without mosaic every image is letterboxed to imgsz first, then the random scale/translate still apply.
        using var s = src.LoadImageAndLabel(0);
        closed.Apply(s, new Random(3));
        Assert.Equal((64, 64), (s.Image.Rows, s.Image.Cols));
    }
}
