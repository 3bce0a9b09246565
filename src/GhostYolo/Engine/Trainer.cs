using GhostYolo.Weights;
using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Data.Transforms;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using GhostYolo.Nn.Profiling;
using GhostYolo.Visual;
using GhostYolo.Platform;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// Trains a detector from a YAML or checkpoint on a YOLO-format dataset with ultralytics' recipe (BaseTrainer /
/// DetectionTrainer 8.2) or, with <c>recipe=yolov5</c>, yolov5 v7.0's train.py (<see cref="TrainRecipe"/>): warm-up, gradient
/// accumulation to the nominal batch 64, clipping at norm 10, EMA, linear or cosine LR, AutoAnchor for anchor-based heads,
/// per-epoch validation of the EMA model, fitness-based best/last checkpoints, early stopping, close-mosaic, resume, and the run
/// folder with args.yaml, results.csv/png and plots. <see cref="Train"/> reads as its steps: set up, then per epoch train,
/// validate and save, then finish.
/// </summary>
public sealed partial class Trainer
{
    private readonly ILogger? logger;
    private readonly TrainTimings? timings;
    private readonly Func<int, int, CancellationToken, IEnumerable<Batch>>? replay;

    /// <summary>A trainer that logs what it does besides its events (dataset scan, transferred weights) to <paramref name="logger"/>.</summary>
    public Trainer(ILogger? logger = null) : this(logger, (TrainTimings?)null) { }

    /// <summary>A trainer that also reports where each epoch's time goes to <paramref name="timings"/> (the train benchmark).</summary>
    internal Trainer(ILogger? logger, TrainTimings? timings) { this.logger = logger; this.timings = timings; }

    /// <summary>A trainer whose training batches come from <paramref name="replay"/> (epoch, the loader's batches per epoch →
    /// that many batches) instead of the loader; everything else (model, optimizer, schedule, validation) is the
    /// run's own. tools/fidelity/replay.cs feeds it yolov5's augmented batches to compare the training step alone.</summary>
    internal Trainer(ILogger? logger, Func<int, int, CancellationToken, IEnumerable<Batch>> replay) : this(logger, (TrainTimings?)null) => this.replay = replay;

    /// <summary>Runs the training <paramref name="options"/> describe, reporting each step to <paramref name="progress"/> (<see cref="TrainStarted"/>, <see cref="BatchEnded"/>, <see cref="ValidationProgress"/>, <see cref="EpochEnded"/>, <see cref="TrainNote"/>, then the returned <see cref="TrainFinished"/>). Cancelling <paramref name="ct"/> stops after the current batch: the last finished epoch stays in <c>last.gyt</c> and the result says <see cref="TrainFinished.Interrupted"/>; <c>Resume</c> continues it.</summary>
    public TrainFinished Train(TrainOptions options, IProgress<TrainEvent>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        using var run = SetUp(options, progress, ct);
        for (int epoch = run.StartEpoch; epoch < run.O.Epochs; epoch++)
        {
            if (ct.IsCancellationRequested) { run.Interrupted = true; break; }
            var epochClock = Stopwatch.StartNew();
            var trainLoss = TrainEpoch(run, epoch, epochClock, progress, ct);
            if (trainLoss is null) { run.Interrupted = true; break; }
            var (val, fitness) = ValidateEpoch(run, epoch, progress, ct);
            if (SaveEpoch(run, epoch, trainLoss, val, fitness, epochClock, progress) is { } stop)
            {
                progress?.Report(new TrainNote(stop));
                break;
            }
        }
        return Finish(run, clock, progress, ct);
    }

    /// <summary>
    /// Set-up: options (resumed, recipe resolved), the model (and AutoAnchor for anchor heads), its EMA copy, the run folder
    /// with args.yaml, the loaders, optimizer, loss and LR schedule; then the run's opening events.
    /// </summary>
    private TrainRun SetUp(TrainOptions options, IProgress<TrainEvent>? progress, CancellationToken ct)
    {
        Checkpoint? resume = options.Resume ? Checkpoint.Load(options.Model) : null;
        var built = new Stack<IDisposable>();   // disposed if the set-up fails half-way
        try
        {
            var o = resume is null ? options : ResumedOptions(options, resume);
            torch.manual_seed(o.Seed);
            var device = DeviceParser.Parse(o.Device);
            int imgsz = Math.Max((int)Math.Ceiling(o.Imgsz / 32.0) * 32, 32);

            var data = DatasetDefinition.Load(o.Data);
            var names = o.SingleCls ? (IReadOnlyList<string>)["item"] : data.Names;
            var (model, transfer) = BuildModel(o, resume, names.Count, device);
            built.Push(model);
            // Settings left to the recipe (box gain, val IoU, close-mosaic, optimizer auto) are fixed now that the head is known:
            // the one place training asks which kind of head it has.
            o = TrainRecipe.Resolve(o, model.Head?.Kind == HeadKind.Anchors);
            var recipe = TrainRecipe.Parse(o.Recipe);
            // The EMA's own instance of the same architecture; ModelEma copies the (loaded) weights into it.
            var emaModel = new ModelBuilder().Build(model.Definition);
            built.Push(emaModel);
            emaModel.to(device);
            emaModel.ToChannelsLast();

            var saveDir = resume is not null ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(o.Model)))! : RunDirectory.Create(o.Project, o.Name, o.ExistOk);
            var weightsDir = Path.Combine(saveDir, "weights");
            Directory.CreateDirectory(weightsDir);
            File.WriteAllLines(Path.Combine(saveDir, "args.yaml"), OptionOverrides.ToPairs(o with { Resume = false }).Select(kv => $"{kv.Key}: {kv.Value}"));

            var (trainLoader, valLoader) = BuildLoaders(o, recipe, data, imgsz, (int)model.MaxStride, built, ct);
            List<string> notes = resume is null ? FitAnchors(o, model, trainLoader, imgsz) : [];
            if (resume is null && recipe == RecipeKind.Yolov5) RoundToHalf(model);
            long iterations = OptimizerFactory.AutoIterations(trainLoader.Dataset.Count, o.Batch, o.Epochs, o.Nbs);
            var optimizer = OptimizerFactory.Build(model, OptimizerSettings.From(o), o.Batch, names.Count, iterations, logger);
            built.Push(optimizer);
            var ema = new ModelEma(model, emaModel, resume?.Info.EmaUpdates ?? 0);
            if (resume?.OptimizerState is { } state)
            {
                using var reader = new BinaryReader(new MemoryStream(state));
                optimizer.LoadState(reader);
            }
            var loss = new LossFunction(model, o, imgsz);
            built.Push(loss);
            bool amp = o.Amp && device.type == DeviceType.CPU && CpuFeatures.HasBf16;
            var bf16 = amp ? new Bf16Training(model) : null;
            if (bf16 is not null) built.Push(bf16);
            int startEpoch = resume is null ? 0 : resume.Info.Epoch + 1;
            var run = new TrainRun
            {
                O = o, Recipe = recipe, Device = device, ImgSz = imgsz, Names = names, Model = model, EmaModel = emaModel,
                SaveDir = saveDir, WeightsDir = weightsDir, TrainLoader = trainLoader, ValLoader = valLoader, Optimizer = optimizer,
                Ema = ema, Loss = loss, Bf16 = bf16, Lf = LrSchedule.Lambda(o.Epochs, o.Lrf, o.CosLr), Warmup = WarmupSettings.From(o),
                Nw = TrainRecipe.WarmupIterations(recipe, o.WarmupEpochs, trainLoader.BatchCount), StartEpoch = startEpoch,
                BestFitness = resume?.Info.BestFitness ?? 0, BestEpoch = startEpoch, Completed = startEpoch,
                Results = new ResultsCsv(Path.Combine(saveDir, "results.csv"), loss.Names, append: resume is not null, keepEpochs: startEpoch),
                Accumulate = OptimizerFactory.Accumulate(o.Batch, o.Nbs),
            };
            built.Clear();   // the run owns them now

            progress?.Report(new TrainNote(TrainRecipe.Describe(o, loss.Gains)));
            foreach (var line in notes) progress?.Report(new TrainNote(line));
            if (resume is null && o.Plots) LabelsPlot.Save(Path.Combine(saveDir, "labels.jpg"), trainLoader.Dataset.Images.SelectMany(i => i.Boxes), names);
            progress?.Report(new TrainStarted(saveDir, ModelProfile.Measure(model).SummaryLine, optimizer.Describe(), trainLoader.Dataset.Count,
                valLoader.Dataset.Count, startEpoch, o.Epochs, imgsz, loss.Names, transfer, resume is null ? null : o.Model));
            if (amp) progress?.Report(new TrainNote("AMP: bfloat16 forward/backward with fp32 master weights (CPU with native bf16)"));
            else if (o.Amp) progress?.Report(new TrainNote("AMP: bf16 mixed precision needs a CPU with native bf16; training in fp32"));
            return run;
        }
        catch
        {
            while (built.TryPop(out var d)) d.Dispose();
            throw;
        }
        finally { resume?.Dispose(); }
    }

    /// <summary>
    /// One epoch of training batches: LR for the epoch, close-mosaic, then per batch warm-up, forward, loss, backward and
    /// (every <c>accumulate</c> batches) the optimizer step and EMA update. Returns the epoch's mean loss items, or null
    /// when cancelled.
    /// </summary>
    private double[]? TrainEpoch(TrainRun run, int epoch, Stopwatch epochClock, IProgress<TrainEvent>? progress, CancellationToken ct)
    {
        var (o, model, optimizer, bf16) = (run.O, run.Model, run.Optimizer, run.Bf16);
        int nb = run.Batches;
        LrSchedule.ApplyEpoch(optimizer, run.Lf(TrainRecipe.ScheduleEpoch(run.Recipe, epoch)));
        // ultralytics: at epoch == epochs − close_mosaic, or at once when resuming past that point.
        bool closeNow = epoch == o.Epochs - run.CloseMosaic || (epoch == run.StartEpoch && run.StartEpoch > o.Epochs - run.CloseMosaic && run.StartEpoch > 0);
        if (run.CloseMosaic > 0 && closeNow && !run.TrainLoader.Dataset.MosaicClosed)
        {
            run.TrainLoader.Dataset.CloseMosaic();
            progress?.Report(new TrainNote("Closing dataloader mosaic"));
        }
        model.train();
        bf16?.Model.train();
        // yolov5's train.py zeroes the gradients at the start of every epoch, dropping the batches accumulated after the last
        // optimizer step of the previous one; ultralytics carries them over (training.md §3.6).
        if (run.Recipe == RecipeKind.Yolov5) optimizer.ZeroGrad();
        var tloss = new double[run.Loss.Names.Count];
        int i = 0;
        try
        {
            long t = Stamp();
            foreach (var batch in replay?.Invoke(epoch, nb, ct) ?? run.TrainLoader.GetBatches(epoch, ct))
            {
                t = Lap(TrainStage.LoaderWait, t);
                using var b = batch;
                long ni = i + (long)nb * epoch;
                run.Accumulate = Warmup.Apply(optimizer, ni, run.Nw, run.Lf(epoch), o.Batch, run.Warmup, run.Accumulate);
                using (var scope = NewDisposeScope())
                {
                    t = Stamp();
                    var raw = bf16?.ForwardRaw(b.Images) ?? model.ForwardRaw(model.PrepareInput(b.Images));
                    t = Lap(TrainStage.Forward, t);
                    var (lossValue, items) = run.Loss.Compute(raw, b.Targets.to(run.Device));
                    t = Lap(TrainStage.Loss, t);
                    lossValue.backward();
                    bf16?.MoveGradients();
                    Lap(TrainStage.Backward, t);
                    var it = items.cpu().to(ScalarType.Float64).data<double>().ToArray();
                    for (int k = 0; k < tloss.Length; k++) tloss[k] = (tloss[k] * i + it[k]) / (i + 1);
                }
                if (ni - run.LastOptStep >= run.Accumulate)
                {
                    t = Stamp();
                    optimizer.ClipGradNorm(10.0);
                    optimizer.Step();
                    optimizer.ZeroGrad();
                    bf16?.Synchronize();
                    t = Lap(TrainStage.OptimizerStep, t);
                    run.Ema.Update(model);
                    Lap(TrainStage.Ema, t);
                    run.LastOptStep = ni;
                }
                if (epoch == run.StartEpoch && i < 3 && o.Plots) BatchPlot.Save(Path.Combine(run.SaveDir, $"train_batch{i}.jpg"), b, run.Names);
                i++;
                timings?.BatchEnded((int)b.Images.shape[0]);
                double seconds = epochClock.Elapsed.TotalSeconds;
                progress?.Report(new BatchEnded(epoch, o.Epochs, i, nb, (double[])tloss.Clone(), (int)b.Targets.shape[0], (int)b.Images.shape[3],
                    i * o.Batch / seconds, TimeSpan.FromSeconds(seconds / i * (nb - i)),
                    [.. Enumerable.Range(0, optimizer.GroupCount).Select(optimizer.GetLr)],
                    [.. Enumerable.Range(0, optimizer.GroupCount).Select(g => optimizer.GetMomentum(g) ?? double.NaN)]));
                t = Stamp();
            }
        }
        catch (OperationCanceledException) { return null; }
        return ct.IsCancellationRequested ? null : tloss;
    }

    /// <summary>Validates the EMA model when asked (<c>val</c>), at the final epoch, or when early stopping may trigger;
    /// returns the result (or null) and the epoch's fitness (the best so far when not validated).</summary>
    private (ValResult? Val, double Fitness) ValidateEpoch(TrainRun run, int epoch, IProgress<TrainEvent>? progress, CancellationToken ct)
    {
        var o = run.O;
        bool final = epoch + 1 == o.Epochs;
        bool possibleStop = o.Patience > 0 && epoch + 1 - run.BestEpoch >= o.Patience - 1;
        if (!(o.Val || final || possibleStop)) return (null, run.BestFitness);
        long t = Stamp();
        var val = run.Validator.Run((DetectionModel)run.Ema.Module, run.ValLoader, run.Names, new ValOptions { Iou = run.ValIou, MaxDet = o.MaxDet, SingleCls = o.SingleCls },
            (raw, targets) => run.Loss.Compute(raw, targets).Items, new Progress<(int Batch, int Batches)>(p => progress?.Report(new ValidationProgress(epoch, p.Batch, p.Batches))), ct);
        Lap(TrainStage.Validation, t);
        return (val, val.Metrics.Fitness);
    }

    /// <summary>
    /// Records the epoch: best fitness, results.csv, last (and best, and periodic) checkpoints, the epoch event and
    /// results.png. Returns the early-stopping message when patience ran out, else null.
    /// </summary>
    private string? SaveEpoch(TrainRun run, int epoch, double[] tloss, ValResult? val, double fitness, Stopwatch epochClock, IProgress<TrainEvent>? progress)
    {
        long t = Stamp();
        var o = run.O;
        var lrs = Enumerable.Range(0, run.Optimizer.GroupCount).Select(run.Optimizer.GetLr).ToArray();
        bool isBest = val is not null && (run.BestFitness == 0 || fitness > run.BestFitness);
        if (isBest) run.BestFitness = fitness;
        if (val is not null && fitness >= run.BestFitness) run.BestEpoch = epoch + 1;
        run.Results.Append(epoch + 1, tloss, val, lrs);
        var info = Info(o, run.Model, run.Names, run.ImgSz, epoch, run.BestFitness, run.Ema.Updates, val);
        SaveCheckpoint(run.Last, info, run.Ema, run.Optimizer);
        if (isBest) File.Copy(run.Last, run.Best, overwrite: true);
        if (o.SavePeriod > 0 && (epoch + 1) % o.SavePeriod == 0) File.Copy(run.Last, Path.Combine(run.WeightsDir, $"epoch{epoch + 1}{Checkpoint.Extension}"), overwrite: true);
        using (var proc = Process.GetCurrentProcess())
            progress?.Report(new EpochEnded(epoch, o.Epochs, tloss, val, fitness, isBest, lrs, epochClock.Elapsed, proc.WorkingSet64 / 1048576.0, proc.PeakWorkingSet64 / 1048576.0));
        run.Completed = epoch + 1;
        if (o.Plots) ResultsPlot.Save(Path.Combine(run.SaveDir, "results.png"), ResultsCsv.Read(run.Results.Path));
        Lap(TrainStage.Save, t);
        timings?.EpochEnded(epochClock.Elapsed);
        return o.Patience > 0 && epoch + 1 - run.BestEpoch >= o.Patience
            ? $"Stopping training early as no improvement observed in last {o.Patience} epochs. Best results observed at epoch {run.BestEpoch}."
            : null;
    }

    /// <summary>
    /// Finish: after an interruption, says where to resume; otherwise strips the optimizer from last and best and validates
    /// the best weights (fused) with plots and the per-class table.
    /// </summary>
    private static TrainFinished Finish(TrainRun run, Stopwatch clock, IProgress<TrainEvent>? progress, CancellationToken ct)
    {
        ValResult? finalVal = null;
        if (run.Interrupted)
        {
            progress?.Report(new TrainNote(run.Completed > run.StartEpoch || File.Exists(run.Last)
                ? $"Interrupted: {run.Last} holds epoch {run.Completed}; continue with `ghostyolo train --resume --model {run.Last}`"
                : "Interrupted before the first epoch finished; nothing was saved"));
        }
        else if (File.Exists(run.Best))
        {
            Strip(run.Last);
            Strip(run.Best);
            using var bestCkpt = Checkpoint.Load(run.Best);
            using var bestModel = bestCkpt.BuildModel();
            bestModel.to(run.Device);
            bestModel.PrepareForInference();   // as `ghostyolo val` prepares it, so the final line equals what val prints
            finalVal = run.Validator.Run(bestModel, run.ValLoader, run.Names, new ValOptions
            {
                Iou = run.ValIou, MaxDet = run.O.MaxDet, SingleCls = run.O.SingleCls, SaveDir = run.SaveDir, Plots = run.O.Plots,
            }, progress: null, ct: ct);
        }
        var finished = new TrainFinished(run.SaveDir, File.Exists(run.Best) ? run.Best : null, File.Exists(run.Last) ? run.Last : null, finalVal,
            run.Completed, clock.Elapsed, run.Interrupted);
        progress?.Report(finished);
        return finished;
    }

    // Timing hooks: a timestamp only when a sink is attached, so an untimed run pays a null check.
    private long Stamp() => timings is null ? 0 : TrainTimings.Now();
    private long Lap(TrainStage stage, long start) => timings?.Add(stage, start) ?? 0;
}
