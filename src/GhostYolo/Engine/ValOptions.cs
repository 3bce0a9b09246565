namespace GhostYolo.Engine;

/// <summary>Validation settings; defaults equal ultralytics' (conf 0.001, iou 0.7, max_det 300, multi-label NMS).</summary>
public sealed record ValOptions
{
    public double Conf { get; init; } = 0.001;
    public double Iou { get; init; } = 0.7;
    public int MaxDet { get; init; } = 300;
    public bool SingleCls { get; init; }
    /// <summary>Where plots and predictions.json go; null = write nothing.</summary>
    public string? SaveDir { get; init; }
    public bool Plots { get; init; }
    public bool SaveJson { get; init; }
    /// <summary>Batches whose labels/predictions are drawn as val_batchK_*.jpg when plotting.</summary>
    public int PlotBatches { get; init; } = 3;
}

/// <summary>Per-image milliseconds of each validation stage (ultralytics' "Speed:" line).</summary>
public sealed record StageSpeed(double PreprocessMs, double InferenceMs, double LossMs, double PostprocessMs)
{
    public string Line => $"Speed: {PreprocessMs:F1}ms preprocess, {InferenceMs:F1}ms inference, {LossMs:F1}ms loss, {PostprocessMs:F1}ms postprocess per image";
}

/// <summary>A validation result: metrics, the mean validation loss items (when a loss was given), timings and artefacts.</summary>
public sealed record ValResult(Metrics.DetectionMetricsResult Metrics, IReadOnlyList<string> Names, double[]? Loss, StageSpeed Speed,
    IReadOnlyList<string> Files);
