namespace GhostYolo.Engine;

/// <summary>Validation settings; defaults equal ultralytics' (conf 0.001, iou 0.7, max_det 300, multi-label NMS).</summary>
public sealed record ValOptions
{
    /// <summary>Confidence threshold of NMS (low, so the PR curve covers every score).</summary>
    public double Conf { get; init; } = 0.001;
    /// <summary>IoU threshold of NMS.</summary>
    public double Iou { get; init; } = 0.7;
    /// <summary>Maximum detections per image.</summary>
    public int MaxDet { get; init; } = 300;
    /// <summary>Evaluate every class as one (class-agnostic NMS, one class in the metrics).</summary>
    public bool SingleCls { get; init; }
    /// <summary>Where plots and predictions.json go; null = write nothing.</summary>
    public string? SaveDir { get; init; }
    /// <summary>Write PR/F1/P/R curves, confusion matrices and val batch images into <see cref="SaveDir"/>.</summary>
    public bool Plots { get; init; }
    /// <summary>Write <c>predictions.json</c> (COCO results format) into <see cref="SaveDir"/>.</summary>
    public bool SaveJson { get; init; }
    /// <summary>Batches whose labels/predictions are drawn as val_batchK_*.jpg when plotting.</summary>
    public int PlotBatches { get; init; } = 3;
}

/// <summary>Per-image milliseconds of each validation stage (ultralytics' "Speed:" line).</summary>
/// <param name="PreprocessMs">Moving the batch to the device and dtype.</param>
/// <param name="InferenceMs">The forward pass.</param>
/// <param name="LossMs">The validation loss (0 unless a loss was computed, as during training).</param>
/// <param name="PostprocessMs">NMS and scaling the boxes back to the original images.</param>
public sealed record StageSpeed(double PreprocessMs, double InferenceMs, double LossMs, double PostprocessMs)
{
    /// <summary>The line ultralytics prints: <c>Speed: 0.3ms preprocess, 12.1ms inference, 0.0ms loss, 1.2ms postprocess per image</c>.</summary>
    public string Line => $"Speed: {PreprocessMs:F1}ms preprocess, {InferenceMs:F1}ms inference, {LossMs:F1}ms loss, {PostprocessMs:F1}ms postprocess per image";
}

/// <summary>A validation result: metrics, the mean validation loss items (when a loss was given), timings and artefacts.</summary>
/// <param name="Metrics">Precision, recall, mAP50, mAP50-95, fitness and the per-class rows.</param>
/// <param name="Names">Class names, index = class id.</param>
/// <param name="Loss">Mean validation loss items; null unless a loss was computed (during training).</param>
/// <param name="Speed">Per-image milliseconds of each stage.</param>
/// <param name="Files">Files written (plots, <c>predictions.json</c>).</param>
public sealed record ValResult(Metrics.DetectionMetricsResult Metrics, IReadOnlyList<string> Names, double[]? Loss, StageSpeed Speed,
    IReadOnlyList<string> Files);
