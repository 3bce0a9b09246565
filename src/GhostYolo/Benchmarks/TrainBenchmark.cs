using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Platform;
using GhostYolo.Engine;
using GhostYolo.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Benchmarks;

/// <summary>Training throughput of full steps (forward, loss, backward, optimizer) at one thread count.</summary>
internal sealed record TrainRow(string Model, int Threads, Precision Precision, int Batch, int ImgSz, double ImagesPerSecond, double StepMs);

/// <summary>
/// Images/s of complete training steps as the trainer runs them (channels-last model, v8/v5 loss, SGD step; with bf16,
/// the <see cref="Bf16Training"/> mixed-precision step of <c>amp=True</c>), on a synthetic batch with a realistic number of
/// boxes, so it measures the model and loss, not the loader.
/// </summary>
internal static class TrainBenchmark
{
    public static TrainRow Run(string modelName, int threads, int batch = 16, int imgsz = 320, int steps = 5, int nc = 4, int seed = 0,
        Precision precision = Precision.Fp32)
    {
        using var _ = GhostYoloRuntime.UseThreads(threads);
        using var model = new ModelBuilder().Build(modelName, nc);
        model.ToChannelsLast();
        model.train();
        using var loss = new LossFunction(model, new TrainOptions(), imgsz);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.001, momentum: 0.9);
        using var amp = precision == Precision.Bf16 ? new Bf16Training(model) : null;
        amp?.Model.train();
        var g = new Generator((ulong)seed);
        using var images = randint(0, 255, [batch, 3, imgsz, imgsz], generator: g).to(ScalarType.Byte);
        // 6 boxes per image: [image, class, cx, cy, w, h] normalised.
        using var targets = cat([
            arange(batch).repeat_interleave(6).unsqueeze(1).to(ScalarType.Float32),
            randint(0, nc, [batch * 6, 1], generator: g).to(ScalarType.Float32),
            rand(batch * 6, 2, generator: g) * 0.6 + 0.2,
            rand(batch * 6, 2, generator: g) * 0.25 + 0.05], 1);
        var times = new List<double>();
        for (int i = 0; i < steps + 1; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                var raw = amp?.ForwardRaw(images) ?? model.ForwardRaw(model.PrepareInput(images));
                var (l, _) = loss.Compute(raw, targets);
                l.backward();
                amp?.MoveGradients();
                optimizer.step();
                optimizer.zero_grad();
                amp?.Synchronize();
            }
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double median = times[times.Count / 2];
        return new TrainRow(model.Definition.DisplayName, threads, precision, batch, imgsz, batch * 1000.0 / median, median);
    }
}

/// <summary>One row of <see cref="TrainBreakdown"/>: a step of the epoch, its time per training batch and its share of the
/// epoch's wall time. Loader-worker rows run beside the training thread (with workers &gt; 0), so they overlap the others.</summary>
internal sealed record TrainStageRow(string Stage, bool InWorkers, double MsPerBatch, double PercentOfEpoch);

/// <summary>Where a real training epoch's time goes for one model, thread count and worker count.</summary>
/// <param name="ImagesPerSecond">Training images per second of whole epochs (validation and saving included).</param>
/// <param name="TrainImagesPerSecond">Training images per second of the training batches alone.</param>
internal sealed record TrainBreakdown(string Model, int Threads, int Workers, int Batch, int ImgSz, int Epochs, int Batches, long Images,
    double EpochSeconds, double ImagesPerSecond, double TrainImagesPerSecond, IReadOnlyList<TrainStageRow> Rows);

/// <summary>
/// Times a short real training run (the <see cref="Trainer"/> with a <see cref="TrainTimings"/> sink: its own steps and
/// loader, nothing copied) and splits each epoch into decode, augment and collate inside the loader workers, the
/// training thread's wait for the loader, forward, loss, backward, optimizer step, EMA, validation, saving and the rest.
/// </summary>
internal static class TrainBreakdownBenchmark
{
    /// <summary>The default dataset: 100 training and 20 validation images of the generated shapes set, in the temp folder.</summary>
    public static string DefaultData(int imgsz)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ghostyolo-train-bench-shapes-{imgsz}");
        var yaml = Path.Combine(dir, "data.yaml");
        if (!File.Exists(yaml))
            ShapesDataset.Generate(new ShapesOptions { OutDir = dir, Train = 100, Val = 20, ImgSize = imgsz, Video = false, TrackFrames = 0 });
        return yaml;
    }

    /// <param name="workers">Loader workers; null: the trainer's default (8, capped at the core count).</param>
    public static TrainBreakdown Run(string model, string data, int threads, int? workers = null, int batch = 16, int imgsz = 320, int epochs = 1,
        CancellationToken ct = default)
    {
        using var _ = GhostYoloRuntime.UseThreads(threads);
        var project = Path.Combine(Path.GetTempPath(), $"ghostyolo-train-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var timings = new TrainTimings();
        var options = new TrainOptions
        {
            Model = model, Data = data, Epochs = epochs, Imgsz = imgsz, Batch = batch, Threads = threads, Project = project, Name = "train",
            Plots = false,
        };
        if (workers is { } w) options = options with { Workers = w };
        try
        {
            var result = new Trainer(null, timings).Train(options, null, ct);
            if (result.Interrupted) throw new OperationCanceledException(ct);
        }
        finally
        {
            if (Directory.Exists(project)) Directory.Delete(project, recursive: true);
        }
        return Summarize(model, threads, Math.Max(0, Math.Min(options.Workers, Environment.ProcessorCount)), batch, imgsz, timings);
    }

    /// <summary>The table of a finished timed run.</summary>
    public static TrainBreakdown Summarize(string model, int threads, int workers, int batch, int imgsz, TrainTimings t)
    {
        int nb = Math.Max(t.Batches, 1);
        double epochMs = t.EpochTime.TotalMilliseconds;
        TrainStageRow Row(string stage, TimeSpan time, bool inWorkers = false)
            => new(stage, inWorkers, time.TotalMilliseconds / nb, epochMs > 0 ? 100 * time.TotalMilliseconds / epochMs : 0);
        var rows = new List<TrainStageRow>
        {
            Row("decode (imread + resize)", t.Loader.Decode, inWorkers: true),
            Row("augment (mosaic/affine/hsv/flip)", t.Loader.Augment, inWorkers: true),
            Row("collate (to CHW + stack)", t.Loader.Collate, inWorkers: true),
            Row("loader wait", t[TrainStage.LoaderWait]),
            Row("forward", t[TrainStage.Forward]),
            Row("loss", t[TrainStage.Loss]),
            Row("backward", t[TrainStage.Backward]),
            Row("optimizer step", t[TrainStage.OptimizerStep]),
            Row("ema", t[TrainStage.Ema]),
            Row("validation", t[TrainStage.Validation]),
            Row("save (checkpoint + csv)", t[TrainStage.Save]),
            Row("other", t.Other),
            Row("epoch", t.EpochTime),
        };
        var trainTime = t.EpochTime - t[TrainStage.Validation] - t[TrainStage.Save];
        var name = model.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) ? ModelDefinition.Load(model).DisplayName : Path.GetFileName(model);
        return new TrainBreakdown(name, threads, workers, batch, imgsz, t.Epochs, t.Batches, t.Images, t.EpochTime.TotalSeconds,
            t.Images / Math.Max(t.EpochTime.TotalSeconds, 1e-9), t.Images / Math.Max(trainTime.TotalSeconds, 1e-9), rows);
    }
}
