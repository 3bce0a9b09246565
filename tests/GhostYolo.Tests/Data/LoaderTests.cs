using GhostYolo.Data;
using OpenCvSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Data;

public class LoaderTests(ShapesFixture fx) : IClassFixture<ShapesFixture>
{
    private static List<(byte[] Img, float[] Tgt, long[] Shape, string[] Paths)> Run(Loader loader, int epoch)
    {
        var list = new List<(byte[], float[], long[], string[])>();
        foreach (var b in loader.GetBatches(epoch))
            using (b)
                list.Add((b.Images.data<byte>().ToArray(), b.Targets.data<float>().ToArray(), b.Images.shape, [.. b.Items.Select(i => i.Path)]));
        return list;
    }

    [Fact]
    public void MosaicBuffer_CarriesOverTheEndOfThePreviousEpoch()
    {
        using var ds = YoloDataset.ForTraining(fx.Train, fx.Definition.Names, imgsz: 64, batchSize: 4);
        var loader = new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 0, Seed = 5 });
        var first = loader.MosaicBuffer(0, 0);
        Assert.Equal([loader.EpochOrder(0)[0]], first);                  // the very first sample has only itself, as in ultralytics
        var next = loader.MosaicBuffer(1, 0);
        Assert.Equal(loader.EpochOrder(1)[0], next[^1]);
        Assert.Equal(loader.EpochOrder(0)[^1], next[^2]);                  // then the previous epoch's last image
        Assert.Equal(Math.Min(ds.BufferLength - 1, ds.Count + 1), next.Count);
    }

    [Fact]
    public void SameSeed_GivesIdenticalBatches_ForAnyWorkerCount()
    {
        using var ds = YoloDataset.ForTraining(fx.Train, fx.Definition.Names, imgsz: 64, batchSize: 4);
        var a = Run(new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 0, Seed = 5 }), 1);
        var b = Run(new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 2, Seed = 5 }), 1);
        var c = Run(new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 2, Seed = 5, Prefetch = 1 }), 1);
        Assert.Equal(4, a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal([4L, 3, 64, 64], a[i].Shape);
            Assert.Equal(a[i].Paths, b[i].Paths);
            Assert.Equal(a[i].Img, b[i].Img);
            Assert.Equal(a[i].Tgt, b[i].Tgt);
            Assert.Equal(a[i].Img, c[i].Img);
            Assert.Equal(a[i].Tgt, c[i].Tgt);
        }
        var other = Run(new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 2, Seed = 5 }), 2);
        Assert.NotEqual(a.SelectMany(x => x.Paths), other.SelectMany(x => x.Paths));
        Assert.Equal(a.SelectMany(x => x.Paths).Order(), other.SelectMany(x => x.Paths).Order());
    }

    [Fact]
    public void Targets_HaveBatchIndexAndNormalisedBoxes()
    {
        using var ds = YoloDataset.ForTraining(fx.Train, fx.Definition.Names, imgsz: 64, batchSize: 4);
        foreach (var b in new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 1, Seed = 0 }).GetBatches(0))
        {
            using (b)
            {
                Assert.Equal(ScalarType.Byte, b.Images.dtype);
                Assert.Equal(ScalarType.Float32, b.Targets.dtype);
                Assert.Equal(6, b.Targets.shape[1]);
                var t = b.Targets.data<float>().ToArray();
                for (int r = 0; r < t.Length; r += 6)
                {
                    Assert.InRange(t[r], 0, b.Size - 1);
                    Assert.All(t.Skip(r + 2).Take(4), v => Assert.InRange(v, 0f, 1f));
                }
            }
        }
    }

    [Fact]
    public void BackgroundOnlyBatch_Collates()
    {
        using var d = new TempDir();
        for (int i = 0; i < 3; i++) d.Image($"images/train/{i}.jpg", 40, 50 + i);
        var index = LabelIndex.Scan(ImageFiles.ExpandAll([d.File("images/train")]), 2);
        Assert.Equal(3, index.Missing);
        using var ds = YoloDataset.ForTraining(index, ["a", "b"], imgsz: 32, batchSize: 3);
        var batches = new Loader(ds, new LoaderOptions { BatchSize = 3, Workers = 2 }).GetBatches(0).ToList();
        var batch = Assert.Single(batches);
        using (batch)
        {
            Assert.Equal([3L, 3, 32, 32], batch.Images.shape);
            Assert.Equal([0L, 6], batch.Targets.shape);
        }
    }

    [Fact]
    public void Validation_RectBatches_MapBackToOriginalPixels()
    {
        using var ds = YoloDataset.ForValidation(fx.Val, fx.Definition.Names, imgsz: 96, batchSize: 4);
        var ars = ds.Images.Select(i => (double)i.Height / i.Width).ToList();
        Assert.Equal(ars.Order(), ars);
        var loader = new Loader(ds, new LoaderOptions { BatchSize = 4, Workers = 2 });
        int checkedBoxes = 0;
        foreach (var b in loader.GetBatches(0))
        {
            using (b)
            {
                long H = b.Images.shape[2], W = b.Images.shape[3];
                Assert.Equal(0, H % 32); Assert.Equal(0, W % 32);
                Assert.True(Math.Max(H, W) == 128, "long side = ceil(96/32 + 0.5)·32");
                var t = b.Targets.data<float>().ToArray();
                for (int r = 0; r < t.Length; r += 6, checkedBoxes++)
                {
                    var info = b.Items[(int)t[r]];
                    var (gain, padW, padH) = info.RatioPad!.Value;
                    double x1 = ((t[r + 2] - t[r + 4] / 2) * W - padW) / gain, y2 = ((t[r + 3] + t[r + 5] / 2) * H - padH) / gain;
                    var truth = fx.Val.Images.Single(i => i.ImagePath == info.Path);
                    Assert.Contains(truth.Boxes, n =>
                        Math.Abs((n.Cx - n.W / 2) * truth.Width - x1) <= 1 && Math.Abs((n.Cy + n.H / 2) * truth.Height - y2) <= 1);
                }
            }
        }
        Assert.True(checkedBoxes > 5);
    }

    [Fact]
    public void Cancellation_StopsWorkers()
    {
        using var ds = YoloDataset.ForTraining(fx.Train, fx.Definition.Names, imgsz: 64, batchSize: 2);
        using var cts = new CancellationTokenSource();
        var loader = new Loader(ds, new LoaderOptions { BatchSize = 2, Workers = 2 });
        int n = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var b in loader.GetBatches(0, cts.Token))
            {
                b.Dispose();
                if (++n == 2) cts.Cancel();
            }
        });
        Assert.Equal(2, n);
    }
}

public class LoaderSkipTests
{
    [Fact]
    public void ImageDeletedAfterScan_IsSkippedAndCounted()
    {
        using var d = new TempDir();
        for (int i = 0; i < 4; i++) { d.Image($"images/train/{i}.png", 30, 40); d.Text($"labels/train/{i}.txt", "0 0.5 0.5 0.5 0.5\n"); }
        var index = LabelIndex.Scan(ImageFiles.ExpandAll([d.File("images/train")]), 1);
        File.Delete(d.File("images/train/2.png"));
        using var ds = YoloDataset.ForValidation(index, ["a"], imgsz: 32, batchSize: 2);
        var loader = new Loader(ds, new LoaderOptions { BatchSize = 2, Workers = 2 });
        var sizes = loader.GetBatches(0).Select(b => { using (b) return b.Size; }).ToList();
        Assert.Equal(3, sizes.Sum());
        Assert.Equal(1, loader.SkippedSamples);
    }
}

public class LoadersFactoryTests(ShapesFixture fx) : IClassFixture<ShapesFixture>
{
    [Fact]
    public void TrainAndVal_FromDefinition()
    {
        using var train = Loaders.Train(fx.Definition, imgsz: 64, batchSize: 8, workers: 1);
        using var val = Loaders.Val(fx.Definition, imgsz: 64, batchSize: 4, workers: 1);
        Assert.Equal(2, train.BatchCount);
        Assert.Equal(2, val.BatchCount);
        using var first = train.GetBatches(0).First();
        Assert.Equal([8L, 3, 64, 64], first.Images.shape);
        Assert.All(val.GetBatches(0).ToList(), b => { using (b) Assert.NotNull(b.Items[0].RatioPad); });
    }
}

public class DatasetOptionsTests(ShapesFixture fx) : IClassFixture<ShapesFixture>
{
    private sealed class Recorder : IProgress<(int Done, int Total)>
    {
        public List<(int, int)> Reports { get; } = [];
        public void Report((int Done, int Total) value) { lock (Reports) Reports.Add(value); }
    }

    [Fact]
    public void Fraction_KeepsFirstImages_AndScanReportsProgress()
    {
        using var ds = new YoloDataset(fx.Train, fx.Definition.Names, new DatasetOptions { ImgSize = 64, Augment = true, Fraction = 0.5 });
        Assert.Equal(8, ds.Count);
        Assert.Equal(fx.Train.Images[7].ImagePath, ds.Images[7].ImagePath);
        var rec = new Recorder();
        using var d = new TempDir();
        for (int i = 0; i < 3; i++) d.Image($"images/x/{i}.png", 12, 12);
        LabelIndex.Scan(ImageFiles.ExpandAll([d.File("images/x")]), 1, progress: rec);
        Assert.Contains((3, 3), rec.Reports);
    }
}
