using GhostYolo.Benchmarks;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tasks;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Engine;

namespace GhostYolo.Tests.Tasks;

/// <summary>Training as a task: options in, events out in order, a result record with paths, metrics and timings; cancellation;
/// the argument checks the command relies on; and the timing sink the trainer reports each step to. Serial: five short trainings
/// would otherwise compete for the cores with the child processes of the CLI training tests.</summary>
[Collection("training-timed")]
public class TrainTaskTests
{
    private static (TempDir Dir, TrainOptions Options) Tiny(string model = "yolov8n.yaml", int epochs = 2)
    {
        var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 16, Val = 8, ImgSize = 64, Classes = 2, MaxShapes = 2, Video = false, TrackFrames = 0 });
        return (dir, new TrainOptions
        {
            Model = model, Data = shapes.DataYaml, Epochs = epochs, Imgsz = 64, Batch = 8, Workers = 1, Project = dir.File("runs"), Name = "t", Plots = false,
        });
    }

    [Fact]
    public void Run_reports_events_in_order_and_returns_paths_metrics_and_epoch_times()
    {
        var (dir, options) = Tiny();
        using var _ = dir;
        var events = new List<TrainEvent>();
        var result = new TrainTask(options).Run(new SyncProgressRecorder<TrainEvent>(events));
        Assert.False(result.Interrupted);
        Assert.Equal(2, result.EpochsCompleted);
        Assert.Equal(Path.Combine(dir.File("runs"), "t"), result.SaveDir);
        Assert.True(File.Exists(result.Best) && File.Exists(result.Last));
        Assert.NotNull(result.Metrics);
        Assert.Equal(8, result.Metrics!.Images);
        Assert.Equal(2, result.EpochDurations.Count);
        Assert.True(result.Elapsed >= result.EpochDurations[0] + result.EpochDurations[1]);
        Assert.IsType<TrainStarted>(events.First(e => e is not TrainNote));
        Assert.IsType<TrainFinished>(events[^1]);
        Assert.Equal(2, events.OfType<EpochEnded>().Count());
        Assert.Equal(4, events.OfType<BatchEnded>().Count());   // 16 images / batch 8, two epochs
    }

    [Fact]
    public void Cancelling_stops_after_the_current_batch_and_says_so_in_the_result()
    {
        var (dir, options) = Tiny();
        using var _ = dir;
        using var cts = new CancellationTokenSource();
        var result = new TrainTask(options).Run(new CancelAt(cts), cts.Token);
        Assert.True(result.Interrupted);
        Assert.Equal(0, result.EpochsCompleted);
        Assert.Null(result.Final);
        Assert.Empty(result.EpochDurations);
    }

    private sealed class CancelAt(CancellationTokenSource cts) : IProgress<TrainEvent>
    {
        public void Report(TrainEvent value) { if (value is BatchEnded) cts.Cancel(); }
    }

    [Fact]
    public void FromArguments_checks_the_recipe_the_dataset_and_resume_conflicts()
    {
        Assert.Throws<ArgumentException>(() => TrainTask.FromArguments([new("model", "yolov8n.yaml")]));
        var e = Assert.Throws<ArgumentException>(() => TrainTask.FromArguments([new("data", "d.yaml"), new("recipe", "yolov9")]));
        Assert.Contains("yolov9", e.Message);
        var task = TrainTask.FromArguments([new("data", "d.yaml"), new("epochs", "7"), new("lr0", "0.02")]);
        Assert.Equal(7, task.Options.Epochs);
        Assert.Equal(0.02, task.Options.Lr0);
    }

    [Fact]
    public void A_timing_sink_receives_every_step_of_the_epoch_and_the_loader_workers_stages()
    {
        var (dir, options) = Tiny(epochs: 1);
        using var _ = dir;
        var timings = new TrainTimings();
        var result = new TrainTask(options, null, timings).Run();
        Assert.False(result.Interrupted);
        Assert.Equal(2, timings.Batches);
        Assert.Equal(16, timings.Images);
        Assert.Equal(1, timings.Epochs);
        Assert.True(timings.EpochTime >= result.EpochDurations[0]);   // the event is sent before results.png is drawn
        // Warm-up starts at accumulate 1, so both batches step the optimizer and update the EMA.
        foreach (var stage in Enum.GetValues<TrainStage>())
            Assert.True(timings[stage] > TimeSpan.Zero, $"{stage} was not timed");
        Assert.True(timings.Other >= TimeSpan.Zero);
        Assert.Equal(2, timings.Loader.Batches);
        Assert.True(timings.Loader.Decode > TimeSpan.Zero && timings.Loader.Augment > TimeSpan.Zero && timings.Loader.Collate > TimeSpan.Zero);

        var table = TrainBreakdownBenchmark.Summarize("yolov8n.yaml", 1, 1, 8, 64, timings);
        Assert.Equal("epoch", table.Rows[^1].Stage);
        Assert.Equal(100, table.Rows[^1].PercentOfEpoch, 6);
        // The training thread's rows add up to the epoch.
        Assert.Equal(100, table.Rows.Where(r => !r.InWorkers && r.Stage != "epoch").Sum(r => r.PercentOfEpoch), 6);
        Assert.True(table.ImagesPerSecond > 0 && table.TrainImagesPerSecond >= table.ImagesPerSecond);
    }

    [Fact]
    public void A_timed_run_trains_exactly_as_an_untimed_one()
    {
        var (dir, options) = Tiny(epochs: 1);
        using var _ = dir;
        var plain = new TrainTask(options with { Name = "plain" }).Run();
        var timed = new TrainTask(options with { Name = "timed" }, null, new TrainTimings()).Run();
        using var a = GhostYolo.Weights.Checkpoint.Load(plain.Last!);
        using var b = GhostYolo.Weights.Checkpoint.Load(timed.Last!);
        foreach (var (name, t) in a.Weights) Assert.True(t.allclose(b.Weights[name], 0, 0), $"{name} differs");
        Assert.Equal(plain.Metrics!.Map, timed.Metrics!.Map);
    }
}

/// <summary>Tests that train or time training, run on their own (timings and the CLI tests' child processes need the cores).</summary>
[CollectionDefinition("training-timed", DisableParallelization = true)]
public sealed class TrainingTimedCollection;
