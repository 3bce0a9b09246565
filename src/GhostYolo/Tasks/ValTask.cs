using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Onnx;
using GhostYolo.Platform;
using Microsoft.Extensions.Logging;

namespace GhostYolo.Tasks;

/// <summary>
/// Validation as a library task (ultralytics <c>yolo val</c>): <see cref="ValTaskOptions"/> in, <see cref="Run"/> with
/// progress events and cancellation, a <see cref="ValTaskResult"/> out. Loads the model (a checkpoint, a model YAML or an
/// ONNX file), builds the validation loader and runs the <see cref="Validator"/>; the <c>val</c> command and apps call this.
/// </summary>
public sealed class ValTask
{
    private readonly ILogger? logger;

    /// <summary>A validation task for <paramref name="options"/>; <paramref name="logger"/> receives what the loader and int8
    /// calibration log (label scanning, the calibration's progress).</summary>
    public ValTask(ValTaskOptions options, ILogger? logger = null) { Options = options; this.logger = logger; }

    /// <summary>The options this task validates with.</summary>
    public ValTaskOptions Options { get; }

    /// <summary>Validates; events arrive on the calling thread in order.</summary>
    /// <exception cref="ArgumentException">A bad device, or a model trained on another number of classes than the dataset has.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing but the run folder was written.</exception>
    public ValTaskResult Run(IProgress<ValEvent>? progress = null, CancellationToken ct = default)
    {
        var o = Options;
        var clock = Stopwatch.StartNew();
        DeviceParser.Check(o.Device);
        var dataset = DatasetDefinition.Load(o.Data);
        var saveDir = RunDirectory.Create(o.Project, o.Name, o.ExistOk);
        var valOptions = new ValOptions
        {
            Conf = o.Conf, Iou = o.Iou, MaxDet = o.MaxDet, SingleCls = o.SingleCls, SaveDir = saveDir, Plots = o.Plots, SaveJson = o.SaveJson,
        };
        var batches = progress is null ? null : new Relay<(int Batch, int Batches)>(b => progress.Report(new ValBatchEnded(b.Batch, b.Batches)));
        var result = OnnxModelFile.IsOnnx(o.Model)
            ? RunOnnxFile(dataset, valOptions, progress, batches, ct)
            : RunModel(dataset, valOptions, progress, batches, ct);
        return new ValTaskResult(saveDir, result, clock.Elapsed);
    }

    /// <summary>An ONNX file runs on ONNX Runtime; one exported for a fixed size takes square letterboxed images (as ultralytics).</summary>
    private ValResult RunOnnxFile(DatasetDefinition dataset, ValOptions valOptions, IProgress<ValEvent>? progress,
        IProgress<(int, int)>? batches, CancellationToken ct)
    {
        var o = Options;
        using var runner = InferenceRunner.FromOnnxFile(new OnnxModelFile(o.Model, GhostYoloRuntime.Threads));
        var names = CheckNames(runner.Nc, dataset);
        progress?.Report(new ValNote($"ONNX Runtime: {o.Model} ({(runner.FixedSize is { } f ? $"{f.H}×{f.W}" : "any size")}, {(runner.FixedBatch is { } b ? $"batch {b}" : "dynamic batch")})"));
        int size = runner.FixedSize is { } fs ? Math.Max(fs.H, fs.W) : o.Imgsz ?? 640;
        using var loader = Loaders.Val(dataset, o.Split, size, runner.FixedBatch ?? o.Batch, o.Workers, runner.MaxStride, o.SingleCls, logger, ct,
            rect: runner.FixedSize is null && o.Rect);
        return new Validator().Run(runner, loader, names, valOptions, batches, ct);
    }

    /// <summary>A model (checkpoint or YAML) on libtorch, or through the <see cref="InferenceRunner"/> for int8 or an explicit engine.</summary>
    private ValResult RunModel(DatasetDefinition dataset, ValOptions valOptions, IProgress<ValEvent>? progress,
        IProgress<(int, int)>? batches, CancellationToken ct)
    {
        var o = Options;
        var loaded = ModelLoader.Load(o.Model, o.Device, dataset.Nc, dataset.Names, o.Weights);
        using var m = loaded.Model;
        if (!loaded.HasWeights) progress?.Report(new ValNote($"WARNING {loaded.Source} is a YAML: validating random weights"));
        CheckNames(loaded.Names.Count, dataset);
        progress?.Report(new ValNote(Nn.Profiling.ModelProfile.Measure(m.Fuse()).SummaryLine));
        using var loader = Loaders.Val(dataset, o.Split, o.Imgsz ?? loaded.ImgSz, o.Batch, o.Workers, (int)m.MaxStride, o.SingleCls, logger, ct, rect: o.Rect);
        if (o.Precision == Precision.Int8 || o.Runtime != InferenceRuntime.Auto)
        {
            // int8 (and an explicit engine) validates what inference runs: the InferenceRunner.
            Onnx.Quantization.QuantizationPlan? plan = null;
            if (o.Precision == Precision.Int8)
            {
                if (o.Runtime == InferenceRuntime.Torch) InferenceRunner.Create(m, o.Precision, o.Runtime);   // the clear error
                var report = Int8Calibration.Prepare(loaded, o.Int8 ?? new Int8Options { Data = o.Data }, logger, ct);
                progress?.Report(new ValInt8Calibrated(report.Summary, report.Loss) { Report = report });
                plan = report.Plan;
            }
            using var runner = InferenceRunner.Create(m, o.Precision, o.Runtime, plan);
            progress?.Report(new ValNote($"{(runner.Runtime == InferenceRuntime.Onnx ? "ONNX Runtime" : "libtorch")}, {runner.Precision.ToString().ToLowerInvariant()}"));
            return new Validator().Run(runner, loader, loaded.Names, valOptions, batches, ct);
        }
        if (m.PrepareForInference(o.Precision) != o.Precision)
            progress?.Report(new ValNote("WARNING this CPU has no native bf16 (AVX-512 BF16 / AMX); validating in fp32"));
        return new Validator().Run(m, loader, loaded.Names, valOptions, progress: batches, ct: ct);
    }

    /// <summary>The dataset's names, after checking the model was trained on as many classes.</summary>
    private IReadOnlyList<string> CheckNames(int nc, DatasetDefinition dataset)
        => nc == dataset.Nc ? dataset.Names
            : throw new ArgumentException($"{Options.Model} was trained on {nc} classes but {Options.Data} has {dataset.Nc}");
}
