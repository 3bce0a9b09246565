using GhostYolo.Engine;

namespace GhostYolo.Tasks;

/// <summary>Progress of a <see cref="ValTask"/>, reported through <see cref="IProgress{T}"/> on the calling thread, in order.</summary>
public abstract record ValEvent;

/// <summary>A line worth showing, in the order it happens: which engine runs an ONNX file, a model YAML validated with
/// random weights, the model's summary line, the engine and precision, a bf16 fallback.</summary>
/// <param name="Message">The line.</param>
public sealed record ValNote(string Message) : ValEvent;

/// <summary>int8 calibration finished (or was read from its cache beside the checkpoint) before validating.</summary>
/// <param name="Summary">One line: the held-out mAP50-95 of fp32 and int8 and what stayed float.</param>
/// <param name="HeldOutLoss">mAP50-95 lost on the held-out training slice.</param>
public sealed record ValInt8Calibrated(string Summary, double HeldOutLoss) : ValEvent
{
    /// <summary>The whole report (sensitivity of each convolution), for the command's report lines.</summary>
    internal Int8Report? Report { get; init; }
}

/// <summary>A validation batch is done.</summary>
/// <param name="Batch">Batches done (from 1).</param>
/// <param name="Batches">Batches in all.</param>
public sealed record ValBatchEnded(int Batch, int Batches) : ValEvent;

/// <summary>What a <see cref="ValTask"/> produced.</summary>
/// <param name="SaveDir">The run folder (plots and <c>predictions.json</c> when asked for).</param>
/// <param name="Val">Metrics, class names (a checkpoint's own, else the dataset's), per-image stage times and the files written.</param>
/// <param name="Elapsed">Wall time of the call.</param>
public sealed record ValTaskResult(string SaveDir, ValResult Val, TimeSpan Elapsed)
{
    /// <summary>Precision, recall, mAP50, mAP50-95 overall and per class.</summary>
    public Metrics.DetectionMetricsResult Metrics => Val.Metrics;
    /// <summary>Class names, index = class id.</summary>
    public IReadOnlyList<string> Names => Val.Names;
}
