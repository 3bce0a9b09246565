using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// Options of the predictor and the <c>detect</c> command; defaults equal ultralytics' <c>default.yaml</c>
/// predict settings (training.md §7). Override with <c>with</c>.
/// </summary>
public sealed record PredictOptions
{
    /// <summary>Long side of the network input; rounded up to a multiple of the model stride.</summary>
    public int Imgsz { get; init; } = 640;
    /// <summary>NMS confidence threshold (a box needs score &gt; Conf).</summary>
    public double Conf { get; init; } = 0.25;
    /// <summary>NMS IoU threshold.</summary>
    public double Iou { get; init; } = 0.7;
    /// <summary>Maximum detections per image.</summary>
    public int MaxDet { get; init; } = 300;
    /// <summary>Keep only these class indices (null = all).</summary>
    public IReadOnlyList<int>? Classes { get; init; }
    /// <summary>Class-agnostic NMS.</summary>
    public bool Agnostic { get; init; }
    /// <summary>Read every N-th video frame.</summary>
    public int VidStride { get; init; } = 1;
    /// <summary>Frames per forward pass (consecutive frames with the same input shape are batched). 0 = auto: pairs of
    /// video-file frames when inference runs on two or more threads, otherwise one (see <see cref="Predictor.BatchFor"/>).</summary>
    public int Batch { get; init; }
    /// <summary>Box line width in pixels (null = ultralytics' rule from the image size).</summary>
    public int? LineWidth { get; init; }
    /// <summary>Draw boxes without labels.</summary>
    public bool HideLabels { get; init; }
    /// <summary>Draw labels without confidences.</summary>
    public bool HideConf { get; init; }
    /// <summary>Write YOLO-format labels (<c>labels/name.txt</c>, <c>labels/name_{frame}.txt</c>).</summary>
    public bool SaveTxt { get; init; }
    /// <summary>Append the confidence to each label line.</summary>
    public bool SaveConf { get; init; }
    /// <summary>Write annotated images and videos.</summary>
    public bool Save { get; init; } = true;
    /// <summary>Show annotated frames in a window (needs a display).</summary>
    public bool Show { get; init; }
    /// <summary>Torch device string (<c>cpu</c>, <c>cuda:0</c>).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Run folder parent.</summary>
    public string Project { get; init; } = "runs/detect";
    /// <summary>Run folder name (predict, predict2, … when it exists).</summary>
    public string Name { get; init; } = "predict";
    /// <summary>Write into the run folder <see cref="Name"/> when it exists instead of numbering a new one.</summary>
    public bool ExistOk { get; init; }
    /// <summary>fp32, or bf16 where the CPU has native bfloat16 (post-processing stays fp32). The model is fused and made
    /// channels-last in place either way (<see cref="Nn.DetectionModel.PrepareForInference"/>).</summary>
    public Nn.Precision Precision { get; init; } = Nn.Precision.Fp32;
    /// <summary>How an int8 model is calibrated (dataset, image counts, method); used when <see cref="Precision"/> is int8.</summary>
    public Int8Options? Int8 { get; init; }
    /// <summary>The engine: ONNX Runtime for fp32 on the CPU when the model exports (auto), or libtorch.</summary>
    public InferenceRuntime Runtime { get; init; } = InferenceRuntime.Auto;
    /// <summary>Capacity of the bounded queues between the decode, inference and encode stages.</summary>
    public int QueueCapacity { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Imgsz < 32) throw new ArgumentException($"imgsz {Imgsz} is too small; use at least 32 (a multiple of 32)");
        if (Conf is < 0 or > 1) throw new ArgumentException($"conf {Conf} must be in [0, 1]");
        if (Iou is < 0 or > 1) throw new ArgumentException($"iou {Iou} must be in [0, 1]");
        if (MaxDet < 1) throw new ArgumentException($"max-det {MaxDet} must be at least 1");
        if (VidStride < 1) throw new ArgumentException($"vid-stride {VidStride} must be at least 1");
        if (Batch < 0) throw new ArgumentException($"batch {Batch} must be at least 1 (or 0 for auto)");
        if (LineWidth is < 1) throw new ArgumentException($"line-width {LineWidth} must be at least 1");
        if (QueueCapacity < 1) throw new ArgumentException($"queue capacity {QueueCapacity} must be at least 1");
    }
}
