using GhostYolo.Engine;
using GhostYolo.Nn;

namespace GhostYolo.Tasks;

/// <summary>
/// What <see cref="ValTask"/> validates and how; defaults equal ultralytics' <c>default.yaml</c> for <c>mode=val</c>
/// (split val, batch 16, conf 0.001, iou 0.7, max_det 300, rectangular batches, plots on). Override with <c>with</c>.
/// </summary>
public sealed record ValTaskOptions
{
    /// <summary>A checkpoint (.gyt, ultralytics/yolov5 .pt, .safetensors), an ONNX file, or a model YAML (random weights unless <see cref="Weights"/>).</summary>
    public required string Model { get; init; }
    /// <summary>The dataset YAML.</summary>
    public required string Data { get; init; }
    /// <summary>The split to validate: val, test or train.</summary>
    public string Split { get; init; } = "val";
    /// <summary>Input size; null validates at the size the checkpoint was trained at (640 for a YAML; an ONNX file's own size).</summary>
    public int? Imgsz { get; init; }
    /// <summary>Images per batch (an ONNX file exported for a fixed batch uses its own).</summary>
    public int Batch { get; init; } = 16;
    /// <summary>NMS confidence threshold (low, so the PR curve covers every score).</summary>
    public double Conf { get; init; } = 0.001;
    /// <summary>NMS IoU threshold.</summary>
    public double Iou { get; init; } = 0.7;
    /// <summary>Maximum detections per image.</summary>
    public int MaxDet { get; init; } = 300;
    /// <summary>Torch device string (<c>cpu</c>, <c>cuda:0</c>).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Write <c>predictions.json</c> (COCO results format) into the run folder.</summary>
    public bool SaveJson { get; init; }
    /// <summary>Write PR/F1/P/R curves, confusion matrices and val batch images into the run folder.</summary>
    public bool Plots { get; init; } = true;
    /// <summary>Run folder parent.</summary>
    public string Project { get; init; } = "runs/detect";
    /// <summary>Run folder name (val, val2, … when it exists).</summary>
    public string Name { get; init; } = "val";
    /// <summary>Reuse the run folder <see cref="Name"/> when it exists instead of numbering a new one.</summary>
    public bool ExistOk { get; init; }
    /// <summary>With a model YAML: weights in ultralytics' parameter names, loaded strictly.</summary>
    public string? Weights { get; init; }
    /// <summary>Data-loading threads.</summary>
    public int Workers { get; init; } = 8;
    /// <summary>Evaluate every class as one.</summary>
    public bool SingleCls { get; init; }
    /// <summary>fp32, bf16 (where the CPU supports it) or int8 (ONNX Runtime, calibrated as <see cref="Int8"/> says); NMS and metrics stay fp32.</summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>The engine: <see cref="InferenceRuntime.Auto"/> validates the model itself on libtorch; an explicit engine (or int8) validates what inference runs.</summary>
    public InferenceRuntime Runtime { get; init; } = InferenceRuntime.Auto;
    /// <summary>Rectangular batches padded by half a stride, as ultralytics validates a .pt; false: square letterbox at imgsz
    /// (an ONNX file exported for a fixed size always uses that).</summary>
    public bool Rect { get; init; } = true;
    /// <summary>How int8 calibrates; null: the defaults of <see cref="Int8Options"/>.</summary>
    public Int8Options? Int8 { get; init; }
}
