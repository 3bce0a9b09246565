using GhostYolo.Engine;
using GhostYolo.Tracking;

namespace GhostYolo.Tasks;

/// <summary>
/// What <see cref="PredictTask"/> runs on and writes: the model, the source, the predictor's settings (defaults equal
/// ultralytics' <c>default.yaml</c> predict settings, see <see cref="PredictOptions"/>) and, to track, the tracker.
/// Override with <c>with</c>.
/// </summary>
public sealed record PredictTaskOptions
{
    /// <summary>A checkpoint (.gyt, ultralytics/yolov5 .pt, .safetensors), an ONNX file, or a model YAML (random weights unless <see cref="Weights"/>).</summary>
    public required string Model { get; init; }
    /// <summary>An image, folder, glob, .txt list, video, webcam index (<c>0</c>) or stream URL.</summary>
    public required string Source { get; init; }
    /// <summary>Thresholds, precision, engine, run folder and what is written (annotated media, labels, a window).</summary>
    public PredictOptions Predict { get; init; } = new();
    /// <summary>Run at the size the model was trained at (a checkpoint's, an ONNX file's; 640 for a YAML) instead of
    /// <see cref="PredictOptions.Imgsz"/>.</summary>
    public bool ImgszFromModel { get; init; }
    /// <summary>For a model YAML: the class count.</summary>
    public int? Nc { get; init; }
    /// <summary>A dataset YAML whose class names a model YAML gets.</summary>
    public string? Data { get; init; }
    /// <summary>For a model YAML: weights in ultralytics' parameter names, loaded strictly.</summary>
    public string? Weights { get; init; }
    /// <summary>Track objects through the frames (ultralytics <c>yolo track</c>): IDs on every detection, <c>mot.txt</c> and
    /// <c>tracks.csv</c> in the run folder; null detects only.</summary>
    public TrackOptions? Track { get; init; }
    /// <summary>With <see cref="Track"/>: a MOTChallenge ground truth (<c>SEQ/gt/gt.txt</c>) to score the run against;
    /// the metrics are written to <c>metrics.json</c>.</summary>
    public string? GroundTruth { get; init; }
}
