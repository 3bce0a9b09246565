namespace GhostYolo.Engine;

/// <summary>
/// Training settings. Defaults equal ultralytics' <c>default.yaml</c> (see cfg/default.yaml); every property can be
/// overridden by its snake_case key (<c>lr0=0.02</c>, <c>--cos-lr</c>, or a <c>--cfg</c> YAML) through <see cref="OptionOverrides"/>.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>A model YAML (random weights), a checkpoint (<c>.gyt</c>, ultralytics or yolov5 <c>.pt</c>, <c>.safetensors</c>) to fine-tune from, or with <see cref="Resume"/> the <c>last.gyt</c> to continue.</summary>
    public string Model { get; init; } = "yolov8n.yaml";
    /// <summary>The dataset YAML (ultralytics format, see <see cref="Data.DatasetDefinition"/>).</summary>
    public string Data { get; init; } = "";
    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 100;
    /// <summary>Stop early after this many epochs without a better fitness (0: never).</summary>
    public int Patience { get; init; } = 100;
    /// <summary>Images per batch.</summary>
    public int Batch { get; init; } = 16;
    /// <summary>Training image size (rounded up to a multiple of 32).</summary>
    public int Imgsz { get; init; } = 640;
    /// <summary>Also keep <c>weights/epochN.gyt</c> every N epochs (-1: only last and best).</summary>
    public int SavePeriod { get; init; } = -1;
    /// <summary>Torch device (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Data-loading threads (at most the processor count; 0 loads on the training thread).</summary>
    public int Workers { get; init; } = 8;
    /// <summary>Intra-op threads the run asks for: recorded in <c>args.yaml</c> and kept on resume. The host applies it (<see cref="Platform.GhostYoloRuntime"/>); the trainer does not change process-wide settings.</summary>
    public int? Threads { get; init; }
    /// <summary>Parent folder of the run folder.</summary>
    public string Project { get; init; } = "runs/detect";
    /// <summary>Run folder name (<c>train</c>, <c>train2</c>, … when it exists, unless <see cref="ExistOk"/>).</summary>
    public string Name { get; init; } = "train";
    /// <summary>Reuse an existing run folder of that name instead of numbering a new one.</summary>
    public bool ExistOk { get; init; }
    /// <summary>A weights file (state dict, safetensors or checkpoint, ultralytics' names) transferred into the model where shapes match.</summary>
    public string? Weights { get; init; }
    /// <summary><c>SGD</c>, <c>Adam</c>, <c>AdamW</c>, … or <c>auto</c> (ultralytics' rule: SGD for long runs, AdamW otherwise; SGD for the yolov5 recipe).</summary>
    public string Optimizer { get; init; } = "auto";
    /// <summary>Seed of the weights' initialisation, shuffling and augmentation.</summary>
    public int Seed { get; init; }
    /// <summary>Train every class as one (<c>item</c>).</summary>
    public bool SingleCls { get; init; }
    /// <summary>Cosine learning-rate schedule instead of linear.</summary>
    public bool CosLr { get; init; }
    /// <summary>Disable mosaic for the last N epochs; null: the recipe's (10 for ultralytics, 0 for yolov5, which mosaics to the end).</summary>
    public int? CloseMosaic { get; init; }
    /// <summary>Continue the run whose <c>last.gyt</c> is <see cref="Model"/>, with its saved settings.</summary>
    public bool Resume { get; init; }
    /// <summary>Train on this fraction of the training images (the first ones after the scan).</summary>
    public double Fraction { get; init; } = 1.0;
    /// <summary>Training recipe: "ultralytics" (ultralytics 8.2's BaseTrainer) or "yolov5" (yolov5 v7.0's train.py with
    /// hyp.scratch-low); see <see cref="TrainRecipe"/>. Anchor-free heads keep ultralytics' recipe unless this says otherwise.</summary>
    public string Recipe { get; init; } = "ultralytics";
    /// <summary>Skip AutoAnchor (yolov5 <c>--noautoanchor</c>): anchor-based heads keep their YAML anchors.</summary>
    public bool Noautoanchor { get; init; }
    /// <summary>Validate after every epoch (off: only the final and possibly-stopping epochs are validated).</summary>
    public bool Val { get; init; } = true;
    /// <summary>Mixed precision (ultralytics <c>amp</c>): on a CPU with native bfloat16 (AVX-512 BF16 / AMX), forward and backward run
    /// in bf16 against fp32 master weights (<see cref="Bf16Training"/>); elsewhere training stays fp32. Off by default because
    /// ultralytics trains in fp32 on a CPU. Measured here: yolov8n, 30 epochs on the shapes set, mAP50-95 0.620 with it against
    /// 0.624 without, in 16 instead of 24 minutes; on a one-minute run (16 epochs, 256 images at 128 px) it learned slower.</summary>
    public bool Amp { get; init; }
    /// <summary>Write the label, batch, results and validation plots.</summary>
    public bool Plots { get; init; } = true;
    /// <summary>NMS IoU of validation; null: the recipe's (0.7 for ultralytics, 0.6 for yolov5).</summary>
    public double? Iou { get; init; }
    /// <summary>Maximum detections per image in validation.</summary>
    public int MaxDet { get; init; } = 300;
    /// <summary>Initial learning rate.</summary>
    public double Lr0 { get; init; } = 0.01;
    /// <summary>Final learning rate as a fraction of <see cref="Lr0"/>.</summary>
    public double Lrf { get; init; } = 0.01;
    /// <summary>SGD momentum / Adam beta1.</summary>
    public double Momentum { get; init; } = 0.937;
    /// <summary>Weight decay (scaled by batch × accumulation / <see cref="Nbs"/>).</summary>
    public double WeightDecay { get; init; } = 0.0005;
    /// <summary>Warm-up length in epochs (fractions allowed).</summary>
    public double WarmupEpochs { get; init; } = 3.0;
    /// <summary>Momentum at the start of the warm-up.</summary>
    public double WarmupMomentum { get; init; } = 0.8;
    /// <summary>Bias learning rate at the start of the warm-up.</summary>
    public double WarmupBiasLr { get; init; } = 0.1;
    /// <summary>Box loss gain; null: the head's (7.5 for anchor-free heads, 0.05 for anchor-based heads as yolov5's hyp).</summary>
    public double? Box { get; init; }
    /// <summary>Classification loss gain.</summary>
    public double Cls { get; init; } = 0.5;
    /// <summary>Distribution focal loss gain (anchor-free heads).</summary>
    public double Dfl { get; init; } = 1.5;
    /// <summary>Objectness loss gain of anchor-based heads (yolov5 hyp <c>obj</c>, before train.py's (imgsz/640)² · 3/nl scaling).</summary>
    public double Obj { get; init; } = 1.0;
    /// <summary>Anchor-multiple threshold of anchor-based heads (yolov5 hyp <c>anchor_t</c>): target matching and AutoAnchor.</summary>
    public double AnchorT { get; init; } = 4.0;
    /// <summary>Class label smoothing epsilon of anchor-based heads (yolov5 <c>--label-smoothing</c>).</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Nominal batch size: gradients are accumulated up to it and the weight decay scaled to it.</summary>
    public int Nbs { get; init; } = 64;
    /// <summary>Hue augmentation (fraction).</summary>
    public double HsvH { get; init; } = 0.015;
    /// <summary>Saturation augmentation (fraction).</summary>
    public double HsvS { get; init; } = 0.7;
    /// <summary>Value (brightness) augmentation (fraction).</summary>
    public double HsvV { get; init; } = 0.4;
    /// <summary>Rotation augmentation (± degrees).</summary>
    public double Degrees { get; init; }
    /// <summary>Translation augmentation (± fraction of the image).</summary>
    public double Translate { get; init; } = 0.1;
    /// <summary>Scale augmentation (± gain).</summary>
    public double Scale { get; init; } = 0.5;
    /// <summary>Shear augmentation (± degrees).</summary>
    public double Shear { get; init; }
    /// <summary>Perspective augmentation (fraction, 0–0.001).</summary>
    public double Perspective { get; init; }
    /// <summary>Probability of an up-down flip.</summary>
    public double Flipud { get; init; }
    /// <summary>Probability of a left-right flip.</summary>
    public double Fliplr { get; init; } = 0.5;
    /// <summary>Probability of a 4-image mosaic.</summary>
    public double Mosaic { get; init; } = 1.0;
    /// <summary>Probability of mixing two mosaics.</summary>
    public double Mixup { get; init; }
}
