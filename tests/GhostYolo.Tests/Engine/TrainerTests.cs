using GhostYolo.Weights;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Metrics;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Engine;

[Collection("trained")]
public class TrainerTests(TrainedModelFixture run)
{
    [Fact]
    public void LossFallsOverEpochs()
    {
        var epochs = run.Events.OfType<EpochEnded>().ToList();
        Assert.Equal(3, epochs.Count);
        double first = epochs[0].TrainLoss.Sum(), last = epochs[^1].TrainLoss.Sum();
        Assert.True(last < first, $"train loss should fall: epoch 1 {first:F3}, epoch 3 {last:F3}");
        Assert.All(epochs, e => Assert.All(e.TrainLoss, l => Assert.True(double.IsFinite(l))));
    }

    [Fact]
    public void RunFolderHoldsUltralyticsArtifacts()
    {
        var dir = run.Result.SaveDir;
        foreach (var f in new[] { "args.yaml", "results.csv", "results.png", "labels.jpg", "train_batch0.jpg", "weights/best.gyt", "weights/last.gyt",
                     "confusion_matrix.png", "confusion_matrix_normalized.png", "val_batch0_labels.jpg", "val_batch0_pred.jpg" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing in {dir}");
        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("epoch,train/box_loss,train/cls_loss,train/dfl_loss,metrics/precision(B)", string.Join(",", csv[0].Split(',').Select(c => c.Trim())));
        Assert.Contains("epochs: 3", File.ReadAllText(Path.Combine(dir, "args.yaml")));
    }

    [Fact]
    public void BestAndLastReloadWithoutTheYaml()
    {
        foreach (var name in new[] { "best.gyt", "last.gyt" })
        {
            using var ckpt = Checkpoint.Load(Path.Combine(run.Result.SaveDir, "weights", name));
            Assert.Equal(-1, ckpt.Info.Epoch);                      // finished runs are stripped
            Assert.Null(ckpt.OptimizerState);
            Assert.Equal(run.Shapes.Names, ckpt.Info.Names);
            using var model = ckpt.BuildModel();
            Assert.Equal(2, model.Nc);
        }
    }

    [Fact]
    public void FinalValidationJsonRescoresToTheSameMap()
    {
        using var loaded = Checkpoint.Load(run.Result.Best!);
        using var model = loaded.BuildModel().Fuse();
        var data = DatasetDefinition.Load(run.Shapes.DataYaml);
        using var loader = Loaders.Val(data, imgsz: 96, batchSize: 8);
        using var dir = new TempDir();
        var val = new Validator().Run(model, loader, data.Names, new ValOptions { SaveDir = dir.Path, SaveJson = true });
        var labels = LabelIndex.Scan(data, "val").Images.ToDictionary(
            i => Path.GetFileNameWithoutExtension(i.ImagePath),
            i => (i.Boxes.Select(b => b.Class).ToArray(), i.Boxes.SelectMany(b => new[]
            {
                (b.Cx - b.W / 2) * i.Width, (b.Cy - b.H / 2) * i.Height, (b.Cx + b.W / 2) * i.Width, (b.Cy + b.H / 2) * i.Height,
            }).ToArray()));
        var rescored = CocoJson.Rescore(Path.Combine(dir.Path, "predictions.json"), labels, data.Nc);
        Assert.True(val.Metrics.Images == 16 && val.Metrics.Instances > 0);
        Assert.Equal(val.Metrics.Map50, rescored.Map50, 3);
        Assert.Equal(val.Metrics.Map, rescored.Map, 3);
    }

    [Fact]
    public void ResumeContinuesFromTheNextEpoch()
    {
        using var dir = new TempDir();
        var o = run.Options with { Epochs = 2, Project = dir.Path, Plots = false };
        using var cts = new CancellationTokenSource();
        var first = new Trainer().Train(o, new CancelAfterEpoch(cts), cts.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(1, first.EpochsCompleted);
        var events = new List<TrainEvent>();
        var second = new Trainer().Train(o with { Resume = true, Model = first.Last! }, new SyncProgressRecorder<TrainEvent>(events));
        var started = events.OfType<TrainStarted>().Single();
        Assert.Equal(1, started.StartEpoch);
        Assert.Equal([1], events.OfType<EpochEnded>().Select(e => e.Epoch));
        Assert.Equal(2, second.EpochsCompleted);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(second.SaveDir, "results.csv")).Length);
        var resumeAgain = Assert.Throws<ArgumentException>(() => new Trainer().Train(o with { Resume = true, Model = second.Last! }));
        Assert.Contains("finished run", resumeAgain.Message);
    }

    private sealed class CancelAfterEpoch(CancellationTokenSource cts) : IProgress<TrainEvent>
    {
        public void Report(TrainEvent value) { if (value is EpochEnded) cts.Cancel(); }
    }
}
