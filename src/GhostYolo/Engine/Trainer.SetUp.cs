using GhostYolo.Data;
using GhostYolo.Data.Transforms;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using GhostYolo.Weights;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>The pieces <see cref="Trainer"/>'s steps are made of: resume, model, loaders, anchors and checkpoints.</summary>
public sealed partial class Trainer
{
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
            if (TrainRecipe.Parse(o.Recipe) == RecipeKind.Yolov5 && model.Head is IAnchorHead)
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

    /// <summary>The augmented training loader (its dataset timed when a sink is attached) and the rectangular validation loader.</summary>
    private (Loader Train, Loader Val) BuildLoaders(TrainOptions o, RecipeKind recipe, DatasetDefinition data, int imgsz, int maxStride,
        Stack<IDisposable> built, CancellationToken ct)
    {
        int workers = Math.Max(0, Math.Min(o.Workers, Environment.ProcessorCount));
        var train = TrainLoader(o, recipe, data, imgsz, workers, logger, ct);
        built.Push(train);
        var val = Loaders.Val(data, "val", imgsz, o.Batch * 2, workers, maxStride, o.SingleCls, logger, ct);
        built.Push(val);
        if (timings is not null) train.Dataset.Clock = timings.Loader;
        return (train, val);
    }

    /// <summary>The augmented training loader of a run with options <paramref name="o"/> (tools/fidelity/replay.cs dumps its batches).</summary>
    internal static Loader TrainLoader(TrainOptions o, RecipeKind recipe, DatasetDefinition data, int imgsz, int workers, ILogger? logger, CancellationToken ct)
    {
        var augment = new AugmentOptions
        {
            HsvH = o.HsvH, HsvS = o.HsvS, HsvV = o.HsvV, Degrees = o.Degrees, Translate = o.Translate, Scale = o.Scale, Shear = o.Shear,
            Perspective = o.Perspective, FlipUd = o.Flipud, FlipLr = o.Fliplr, Mosaic = o.Mosaic, Mixup = o.Mixup,
            Yolov5Mosaic = recipe == RecipeKind.Yolov5,
        };
        return Loaders.Train(data, imgsz, o.Batch, augment, workers, o.Seed, o.SingleCls, logger, ct, o.Fraction);
    }

    /// <summary>
    /// AutoAnchor for a head with anchors (yolov5 train.py's check_anchors on the training labels at the training size, before the
    /// loss takes the anchors); the lines to print. Anchor-free heads have nothing to fit.
    /// </summary>
    private static List<string> FitAnchors(TrainOptions o, DetectionModel model, Loader trainLoader, int imgsz)
    {
        if (model.Head is not IAnchorHead head) return [];
        if (o.Noautoanchor) return ["AutoAnchor: skipped (noautoanchor=True)"];
        var fit = AutoAnchor.Check(trainLoader.Dataset.Images, head.PixelAnchors(), imgsz, o.AnchorT, new Random(o.Seed));
        if (fit.Replaced) head.SetPixelAnchors([.. fit.Anchors.SelectMany(a => a)]);
        return [.. fit.Lines];
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
    private static void Strip(string path)
    {
        if (!File.Exists(path)) return;
        Checkpoint finished;
        using (var ckpt = Checkpoint.Load(path))
            finished = new Checkpoint(ckpt.Info with { Epoch = -1 }, ckpt.Weights.ToDictionary(kv => kv.Key, kv => kv.Value.clone()));
        using (finished) finished.Save(path);
    }
}
