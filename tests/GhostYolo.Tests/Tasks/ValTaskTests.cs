using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tasks;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Engine;

namespace GhostYolo.Tests.Tasks;

/// <summary>Validation as a task: the same metrics as the <see cref="Validator"/> on the same loader, events in order, the
/// run folder and its files, the class-count check and cancellation.</summary>
public class ValTaskTests(TaskFixture fx) : IClassFixture<TaskFixture>
{
    private ValTaskOptions Options(TempDir d) => new()
    {
        Model = TaskFixture.Model, Data = fx.Shapes.DataYaml, Batch = 4, Workers = 1, Plots = false, SaveJson = true, Project = d.Path, Name = "val",
    };

    [Fact]
    public void Run_returns_the_metrics_the_validator_gives_on_the_same_loader()
    {
        using var d = new TempDir();
        var events = new List<ValEvent>();
        var result = new ValTask(Options(d)).Run(new SyncProgressRecorder<ValEvent>(events));

        var dataset = DatasetDefinition.Load(fx.Shapes.DataYaml);
        var loaded = ModelLoader.Load(TaskFixture.Model, "cpu", dataset.Nc, dataset.Names);
        using var model = loaded.Model;
        model.Fuse();
        model.PrepareForInference(GhostYolo.Nn.Precision.Fp32);
        using var loader = Loaders.Val(dataset, "val", loaded.ImgSz, 4, 1, (int)model.MaxStride);
        var direct = new Validator().Run(model, loader, loaded.Names, new ValOptions());

        Assert.True(result.Metrics.Map50 > 0.3, $"the trained sample model finds shapes (mAP50 {result.Metrics.Map50})");
        Assert.Equal(direct.Metrics.Map, result.Metrics.Map);
        Assert.Equal(direct.Metrics.Map50, result.Metrics.Map50);
        Assert.Equal(direct.Metrics.Precision, result.Metrics.Precision);
        Assert.Equal(direct.Metrics.Recall, result.Metrics.Recall);
        Assert.Equal(direct.Metrics.PerClass.Select(c => c.Ap), result.Metrics.PerClass.Select(c => c.Ap));
        Assert.Equal(TaskFixture.ValImages, result.Metrics.Images);
        Assert.Equal(loaded.Names, result.Names);

        Assert.Equal(Path.Combine(d.Path, "val"), result.SaveDir);
        Assert.Equal([Path.Combine(result.SaveDir, "predictions.json")], result.Val.Files);
        Assert.True(File.Exists(result.Val.Files[0]));
        Assert.Contains("parameters", Assert.IsType<ValNote>(events[0]).Message);   // the model's summary line comes first
        Assert.Equal(Enumerable.Range(1, 3), events.OfType<ValBatchEnded>().Select(b => b.Batch));   // 12 images / batch 4
        Assert.All(events.OfType<ValBatchEnded>(), b => Assert.Equal(3, b.Batches));
    }

    [Fact]
    public void A_model_with_another_class_count_is_an_argument_error()
    {
        using var d = new TempDir();
        var four = ShapesDataset.Generate(new ShapesOptions { OutDir = d.File("four"), Train = 0, Val = 2, ImgSize = 96, Classes = 4, Video = false, TrackFrames = 0 });
        var e = Assert.Throws<ArgumentException>(() => new ValTask(Options(d) with { Data = four.DataYaml }).Run());
        Assert.Contains("trained on 3 classes", e.Message);
    }

    [Fact]
    public void Cancellation_stops_validation()
    {
        using var d = new TempDir();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new ValTask(Options(d)).Run(ct: cts.Token));
    }
}
