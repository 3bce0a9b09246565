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
/// folder with args.yaml, results.csv/png and plots.
/// </summary>
/// <param name="logger">Receives what the trainer logs besides its events (dataset scan, transferred weights); null: nothing.</param>
public sealed class Trainer(ILogger? logger = null)
{
    /// <summary>Runs the training <paramref name="options"/> describe, reporting each step to <paramref name="progress"/> (<see cref="TrainStarted"/>, <see cref="BatchEnded"/>, <see cref="ValidationProgress"/>, <see cref="EpochEnded"/>, <see cref="TrainNote"/>, then the returned <see cref="TrainFinished"/>). Cancelling <paramref name="ct"/> stops after the current batch: the last finished epoch stays in <c>last.gyt</c> and the result says <see cref="TrainFinished.Interrupted"/>; <c>Resume</c> continues it.</summary>
    public TrainFinished Train(TrainOptions options, IProgress<TrainEvent>? progress = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        Checkpoint? resume = options.Resume ? Checkpoint.Load(options.Model) : null;
        var o = resume is null ? options : ResumedOptions(options, resume);
        torch.manual_seed(o.Seed);
        var device = DeviceParser.Parse(o.Device);
        int imgsz = Math.Max((int)Math.Ceiling(o.Imgsz / 32.0) * 32, 32);

        var data = DatasetDefinition.Load(o.Data);
        var names = o.SingleCls ? (IReadOnlyList<string>)["item"] : data.Names;
        var (model, transfer) = BuildModel(o, resume, names.Count, device);
        using var _model = model;
        // Settings left to the recipe (box gain, val IoU, close-mosaic, optimizer auto) are fixed now that the head is known.
        o = TrainRecipe.Resolve(o, model.Head?.Kind == HeadKind.Anchors);
        var recipe = TrainRecipe.Parse(o.Recipe);
        double valIou = o.Iou ?? 0.7;
        int closeMosaic = o.CloseMosaic ?? 10;
        // The EMA's own instance of the same architecture; ModelEma copies the (loaded) weights into it.
        using var emaModel = new ModelBuilder().Build(model.Definition);
        emaModel.to(device);
        emaModel.ToChannelsLast();

        var saveDir = resume is not null ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(o.Model)))! : RunDirectory.Create(o.Project, o.Name, o.ExistOk);
        var weightsDir = Path.Combine(saveDir, "weights");
        Directory.CreateDirectory(weightsDir);
        File.WriteAllLines(Path.Combine(saveDir, "args.yaml"), OptionOverrides.ToPairs(o with { Resume = false }).Select(kv => $"{kv.Key}: {kv.Value}"));

        int workers = Math.Max(0, Math.Min(o.Workers, Environment.ProcessorCount));
        var augment = new AugmentOptions
        {
            HsvH = o.HsvH, HsvS = o.HsvS, HsvV = o.HsvV, Degrees = o.Degrees, Translate = o.Translate, Scale = o.Scale, Shear = o.Shear,
            Perspective = o.Perspective, FlipUd = o.Flipud, FlipLr = o.Fliplr, Mosaic = o.Mosaic, Mixup = o.Mixup,
            Yolov5Mosaic = recipe == RecipeKind.Yolov5,
        };
        using var trainLoader = Loaders.Train(data, imgsz, o.Batch, augment, workers, o.Seed, o.SingleCls, logger, ct, o.Fraction);
        using var valLoader = Loaders.Val(data, "val", imgsz, o.Batch * 2, workers, (int)model.MaxStride, o.SingleCls, logger, ct);
        int nb = trainLoader.BatchCount;
        var notes = new List<string>();
        if (resume is null && model.Head is DetectV5 v5Head)
        {
            if (o.Noautoanchor) notes.Add("AutoAnchor: skipped (noautoanchor=True)");
            else
            {
                // yolov5 train.py: check_anchors on the training labels at the training size, before the loss takes the anchors.
                var fit = AutoAnchor.Check(trainLoader.Dataset.Images, v5Head.PixelAnchors(), imgsz, o.AnchorT, new Random(o.Seed));
                if (fit.Replaced) v5Head.SetPixelAnchors([.. fit.Anchors.SelectMany(a => a)]);
                notes.AddRange(fit.Lines);
            }
        }
        if (resume is null && recipe == RecipeKind.Yolov5) RoundToHalf(model);
        long iterations = OptimizerFactory.AutoIterations(trainLoader.Dataset.Count, o.Batch, o.Epochs, o.Nbs);
        using var optimizer = OptimizerFactory.Build(model, OptimizerSettings.From(o), o.Batch, names.Count, iterations, logger);
        var ema = new ModelEma(model, emaModel, resume?.Info.EmaUpdates ?? 0);
        if (resume?.OptimizerState is { } state)
        {
            using var reader = new BinaryReader(new MemoryStream(state));
            optimizer.LoadState(reader);
        }
        using var loss = new LossFunction(model, o, imgsz);
        bool amp = o.Amp && device.type == DeviceType.CPU && CpuFeatures.HasBf16;
        using var bf16 = amp ? new Bf16Training(model) : null;
        var lf = LrSchedule.Lambda(o.Epochs, o.Lrf, o.CosLr);
        var warmup = WarmupSettings.From(o);
        int nw = TrainRecipe.WarmupIterations(recipe, o.WarmupEpochs, nb);
        int startEpoch = resume is null ? 0 : resume.Info.Epoch + 1;
        double bestFitness = resume?.Info.BestFitness ?? 0;
        int bestEpoch = startEpoch;
        var results = new ResultsCsv(Path.Combine(saveDir, "results.csv"), loss.Names, append: resume is not null, keepEpochs: startEpoch);
        var validator = new Validator();
        string last = Path.Combine(weightsDir, "last" + Checkpoint.Extension), best = Path.Combine(weightsDir, "best" + Checkpoint.Extension);

        progress?.Report(new TrainNote(TrainRecipe.Describe(o, loss.Gains)));
        foreach (var line in notes) progress?.Report(new TrainNote(line));
        if (resume is null && o.Plots) LabelsPlot.Save(Path.Combine(saveDir, "labels.jpg"), trainLoader.Dataset.Images.SelectMany(i => i.Boxes), names);
        progress?.Report(new TrainStarted(saveDir, ModelProfile.Measure(model).SummaryLine, optimizer.Describe(), trainLoader.Dataset.Count,
            valLoader.Dataset.Count, startEpoch, o.Epochs, imgsz, loss.Names, transfer, resume is null ? null : o.Model));
        resume?.Dispose();
        if (amp) progress?.Report(new TrainNote("AMP: bfloat16 forward/backward with fp32 master weights (CPU with native bf16)"));
        else if (o.Amp) progress?.Report(new TrainNote("AMP: bf16 mixed precision needs a CPU with native bf16; training in fp32"));

        int accumulate = OptimizerFactory.Accumulate(o.Batch, o.Nbs);
        long lastOptStep = -1;
        int epoch = startEpoch, completed = startEpoch;
        bool interrupted = false;
        for (; epoch < o.Epochs; epoch++)
        {
            if (ct.IsCancellationRequested) { interrupted = true; break; }
            var epochClock = Stopwatch.StartNew();
            LrSchedule.ApplyEpoch(optimizer, lf(TrainRecipe.ScheduleEpoch(recipe, epoch)));
            // ultralytics: at epoch == epochs − close_mosaic, or at once when resuming past that point.
            bool closeNow = epoch == o.Epochs - closeMosaic || (epoch == startEpoch && startEpoch > o.Epochs - closeMosaic && startEpoch > 0);
            if (closeMosaic > 0 && closeNow && !trainLoader.Dataset.MosaicClosed)
            {
                trainLoader.Dataset.CloseMosaic();
                progress?.Report(new TrainNote("Closing dataloader mosaic"));
            }
            model.train();
            bf16?.Model.train();
            // yolov5's train.py zeroes the gradients at the start of every epoch, dropping the batches accumulated after the last
            // optimizer step of the previous one; ultralytics carries them over (training.md §3.6).
            if (recipe == RecipeKind.Yolov5) optimizer.ZeroGrad();
            var tloss = new double[3];
            int i = 0;
            try
            {
                foreach (var batch in trainLoader.GetBatches(epoch, ct))
                {
                    using var b = batch;
                    long ni = i + (long)nb * epoch;
                    accumulate = Warmup.Apply(optimizer, ni, nw, lf(epoch), o.Batch, warmup, accumulate);
                    using (var scope = NewDisposeScope())
                    {
                        var raw = bf16?.ForwardRaw(b.Images) ?? model.ForwardRaw(model.PrepareInput(b.Images));
                        var (lossValue, items) = loss.Compute(raw, b.Targets.to(device));
                        lossValue.backward();
                        bf16?.MoveGradients();
                        var it = items.cpu().to(ScalarType.Float64).data<double>().ToArray();
                        for (int k = 0; k < 3; k++) tloss[k] = (tloss[k] * i + it[k]) / (i + 1);
                    }
                    if (ni - lastOptStep >= accumulate)
                    {
                        optimizer.ClipGradNorm(10.0);
                        optimizer.Step();
                        optimizer.ZeroGrad();
                        bf16?.Synchronize();
                        ema.Update(model);
                        lastOptStep = ni;
                    }
                    if (epoch == startEpoch && i < 3 && o.Plots) BatchPlot.Save(Path.Combine(saveDir, $"train_batch{i}.jpg"), b, names);
                    i++;
                    double seconds = epochClock.Elapsed.TotalSeconds;
                    progress?.Report(new BatchEnded(epoch, o.Epochs, i, nb, (double[])tloss.Clone(), (int)b.Targets.shape[0], (int)b.Images.shape[3],
                        i * o.Batch / seconds, TimeSpan.FromSeconds(seconds / i * (nb - i)),
                        [.. Enumerable.Range(0, optimizer.GroupCount).Select(optimizer.GetLr)],
                        [.. Enumerable.Range(0, optimizer.GroupCount).Select(g => optimizer.GetMomentum(g) ?? double.NaN)]));
                }
            }
            catch (OperationCanceledException) { interrupted = true; }
            if (interrupted || ct.IsCancellationRequested) { interrupted = true; break; }

            var lrs = Enumerable.Range(0, optimizer.GroupCount).Select(optimizer.GetLr).ToArray();
            bool final = epoch + 1 == o.Epochs;
            bool possibleStop = o.Patience > 0 && epoch + 1 - bestEpoch >= o.Patience - 1;
            ValResult? val = null;
            double fitness = bestFitness;
            if (o.Val || final || possibleStop)
            {
                val = validator.Run((DetectionModel)ema.Module, valLoader, names, new ValOptions { Iou = valIou, MaxDet = o.MaxDet, SingleCls = o.SingleCls },
                    (raw, targets) => loss.Compute(raw, targets).Items, new Progress<(int Batch, int Batches)>(p => progress?.Report(new ValidationProgress(epoch, p.Batch, p.Batches))), ct);
                fitness = val.Metrics.Fitness;
            }
            bool isBest = val is not null && (bestFitness == 0 || fitness > bestFitness);
            if (isBest) { bestFitness = fitness; }
            if (val is not null && fitness >= bestFitness) bestEpoch = epoch + 1;
            results.Append(epoch + 1, tloss, val, lrs);
            var info = Info(o, model, names, imgsz, epoch, bestFitness, ema.Updates, val);
            SaveCheckpoint(last, info, ema, optimizer);
            if (isBest) File.Copy(last, best, overwrite: true);
            if (o.SavePeriod > 0 && (epoch + 1) % o.SavePeriod == 0) File.Copy(last, Path.Combine(weightsDir, $"epoch{epoch + 1}{Checkpoint.Extension}"), overwrite: true);
            using (var proc = Process.GetCurrentProcess())
                progress?.Report(new EpochEnded(epoch, o.Epochs, tloss, val, fitness, isBest, lrs, epochClock.Elapsed, proc.WorkingSet64 / 1048576.0, proc.PeakWorkingSet64 / 1048576.0));
            completed = epoch + 1;
            if (o.Plots) ResultsPlot.Save(Path.Combine(saveDir, "results.png"), ResultsCsv.Read(results.Path));
            if (o.Patience > 0 && epoch + 1 - bestEpoch >= o.Patience)
            {
                progress?.Report(new TrainNote($"Stopping training early as no improvement observed in last {o.Patience} epochs. Best results observed at epoch {bestEpoch}."));
                break;
            }
        }

        ValResult? finalVal = null;
        if (interrupted)
        {
            progress?.Report(new TrainNote(completed > startEpoch || File.Exists(last)
                ? $"Interrupted: {last} holds epoch {completed}; continue with `ghostyolo train --resume --model {last}`"
                : "Interrupted before the first epoch finished; nothing was saved"));
        }
        else if (File.Exists(best))
        {
            Finish(last);
            Finish(best);
            using var bestCkpt = Checkpoint.Load(best);
            using var bestModel = bestCkpt.BuildModel();
            bestModel.to(device);
            bestModel.Fuse();
            finalVal = validator.Run(bestModel, valLoader, names, new ValOptions
            {
                Iou = valIou, MaxDet = o.MaxDet, SingleCls = o.SingleCls, SaveDir = saveDir, Plots = o.Plots,
            }, progress: null, ct: ct);
        }
        var finished = new TrainFinished(saveDir, File.Exists(best) ? best : null, File.Exists(last) ? last : null, finalVal, completed, clock.Elapsed, interrupted);
        progress?.Report(finished);
        return finished;
    }

    /// <summary>The settings a resume takes from the checkpoint that the user gave differently (only device, workers and
    /// threads may change on resume, as in ultralytics): <c>key: given (run had saved)</c>, empty when none.</summary>
    internal static IReadOnlyList<string> ResumeConflicts(string lastCheckpoint, IEnumerable<KeyValuePair<string, string>> given)
    {
        var info = Checkpoint.ReadInfo(lastCheckpoint);
        var saved = OptionOverrides.Apply(new TrainOptions(), info.TrainArgs);
        var mayChange = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "model", "resume", "device", "workers", "threads" };
        var conflicts = new List<string>();
        foreach (var pair in given.Where(p => !mayChange.Contains(p.Key)))
        {
            var changed = OptionOverrides.Apply(saved, [pair]);
            if (changed != saved)
                conflicts.Add($"{pair.Key}: {pair.Value} (the run has {info.TrainArgs.GetValueOrDefault(OptionOverrides.ToSnake(pair.Key), info.TrainArgs.GetValueOrDefault(pair.Key, "its default"))})");
        }
        return conflicts;
    }

    private static TrainOptions ResumedOptions(TrainOptions requested, Checkpoint ckpt)
    {
        if (ckpt.Info.Epoch < 0)
            throw new ArgumentException($"{requested.Model} is from a finished run; nothing to resume. To train longer, start a new run with --weights {requested.Model}");
        if (ckpt.OptimizerState is null) throw new InvalidDataException($"{requested.Model} has no optimizer state to resume from");
        var saved = OptionOverrides.Apply(new TrainOptions(), ckpt.Info.TrainArgs);
        // Runs saved before recipes existed wrote ultralytics' box 7.5 even for anchor-based heads, whose loss ignored it then.
        if (!ckpt.Info.TrainArgs.ContainsKey("recipe")) saved = saved with { Box = null };
        // As ultralytics: the run's own settings, except where the machine differs.
        return saved with { Model = requested.Model, Resume = true, Device = requested.Device, Workers = requested.Workers, Threads = requested.Threads };
    }

    private (DetectionModel Model, TransferReport? Transfer) BuildModel(TrainOptions o, Checkpoint? resume, int nc, Device device)
    {
        DetectionModel model;
        TransferReport? transfer = null;
        if (resume is not null) model = resume.BuildModel();
        else if (WeightsFile.IsWeightsFile(o.Model) && File.Exists(o.Model))
        {
            // A checkpoint as the model (GhostYolo's, ultralytics' or yolov5's): its architecture with the dataset's classes.
            using var ckpt = WeightsFile.ReadCheckpoint(o.Model);
            var def = ModelDefinition.Parse(ckpt.Info.ModelYaml, o.Model, ckpt.Info.Scale, nc) with { DisplayName = ckpt.Info.ModelName };
            model = new ModelBuilder().Build(def);
            transfer = Checkpoint.LoadInto(model, ckpt.Weights, strict: false);
        }
        else model = new ModelBuilder().Build(o.Model, nc);
        if (o.Weights is not null && resume is null)
        {
            var weights = WeightsFile.ReadWeights(o.Weights);
            // yolov5's train.py takes the anchors from the model YAML, not from --weights (exclude = ['anchor'] when --cfg is given);
            // AutoAnchor then checks them on this run's labels.
            if (TrainRecipe.Parse(o.Recipe) == RecipeKind.Yolov5 && model.Head is DetectV5)
                foreach (var key in weights.Keys.Where(k => k.Contains("anchor", StringComparison.Ordinal)).ToList())
                {
                    weights[key].Dispose();
                    weights.Remove(key);
                }
            try { transfer = Checkpoint.LoadInto(model, weights, strict: false); }
            finally { foreach (var t in weights.Values) t.Dispose(); }
        }
        if (transfer is not null)
            logger?.LogInformation("Transferred {Count}/{Total} items from {Weights}", transfer.UltralyticsTransferred, transfer.UltralyticsTotal, o.Weights ?? o.Model);
        model.to(device);
        // NHWC weights and activations: ~1.3× faster training steps on CPU (oneDNN); before the optimizer captures parameters.
        model.ToChannelsLast();
        return (model, transfer);
    }

    private static CheckpointInfo Info(TrainOptions o, DetectionModel model, IReadOnlyList<string> names, int imgsz, int epoch, double bestFitness, long updates, ValResult? val)
        => new()
        {
            ModelYaml = model.Definition.Yaml, ModelName = model.Definition.DisplayName, Scale = model.Definition.Scale, Nc = names.Count,
            Names = names, ImgSz = imgsz, Epoch = epoch, BestFitness = bestFitness, EmaUpdates = updates,
            TrainArgs = OptionOverrides.ToPairs(o with { Resume = false }).ToDictionary(),
            Metrics = val is null ? new() : new()
            {
                ["metrics/precision(B)"] = val.Metrics.Precision, ["metrics/recall(B)"] = val.Metrics.Recall,
                ["metrics/mAP50(B)"] = val.Metrics.Map50, ["metrics/mAP50-95(B)"] = val.Metrics.Map, ["fitness"] = val.Metrics.Fitness,
            },
        };

    private static void SaveCheckpoint(string path, CheckpointInfo info, ModelEma ema, OptimizerHandle optimizer)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.SaveState(w);
        var weights = ema.Module.state_dict();
        new Checkpoint(info, weights, ms.ToArray()).Save(path);
    }

    /// <summary>yolov5 train.py's <c>model.half().float()</c> after AutoAnchor ("pre-reduce anchor precision"): every floating
    /// tensor of the fresh model rounded to fp16 precision once.</summary>
    private static void RoundToHalf(DetectionModel model)
    {
        using var _ = no_grad();
        foreach (var (_, t) in model.state_dict())
            if (t.is_floating_point()) t.copy_(t.to(ScalarType.Float16).to(t.dtype));
    }

    /// <summary>ultralytics <c>strip_optimizer</c>: a finished checkpoint keeps the weights and metadata, drops the optimizer, epoch −1.</summary>
    private static void Finish(string path)
    {
        if (!File.Exists(path)) return;
        Checkpoint finished;
        using (var ckpt = Checkpoint.Load(path))
            finished = new Checkpoint(ckpt.Info with { Epoch = -1 }, ckpt.Weights.ToDictionary(kv => kv.Key, kv => kv.Value.clone()));
        using (finished) finished.Save(path);
    }
}
