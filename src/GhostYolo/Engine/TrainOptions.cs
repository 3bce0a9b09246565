namespace GhostYolo.Engine;

/// <summary>
/// Training settings. Defaults equal ultralytics' <c>default.yaml</c> (see cfg/default.yaml); every property can be
/// overridden by its snake_case key (<c>lr0=0.02</c>, <c>--cos-lr</c>, or a <c>--cfg</c> YAML) through <see cref="OptionOverrides"/>.
/// </summary>
public sealed record TrainOptions
{
    public string Model { get; init; } = "yolov8n.yaml";
    public string Data { get; init; } = "";
    public int Epochs { get; init; } = 100;
    public int Patience { get; init; } = 100;
    public int Batch { get; init; } = 16;
    public int Imgsz { get; init; } = 640;
    public int SavePeriod { get; init; } = -1;
    public string Device { get; init; } = "cpu";
    public int Workers { get; init; } = 8;
    public int? Threads { get; init; }
    public string Project { get; init; } = "runs/detect";
    public string Name { get; init; } = "train";
    public bool ExistOk { get; init; }
    public string? Weights { get; init; }
    public string Optimizer { get; init; } = "auto";
    public int Seed { get; init; }
    public bool SingleCls { get; init; }
    public bool CosLr { get; init; }
    /// <summary>Disable mosaic for the last N epochs; null: the recipe's (10 for ultralytics, 0 for yolov5, which mosaics to the end).</summary>
    public int? CloseMosaic { get; init; }
    public bool Resume { get; init; }
    public double Fraction { get; init; } = 1.0;
    /// <summary>Training recipe: "ultralytics" (ultralytics 8.2's BaseTrainer) or "yolov5" (yolov5 v7.0's train.py with
    /// hyp.scratch-low); see <see cref="TrainRecipe"/>. Anchor-free heads keep ultralytics' recipe unless this says otherwise.</summary>
    public string Recipe { get; init; } = "ultralytics";
    /// <summary>Skip AutoAnchor (yolov5 <c>--noautoanchor</c>): anchor-based heads keep their YAML anchors.</summary>
    public bool Noautoanchor { get; init; }
    public bool Val { get; init; } = true;
    /// <summary>Mixed precision (ultralytics <c>amp</c>): on a CPU with native bfloat16 (AVX-512 BF16 / AMX), forward and backward run
    /// in bf16 against fp32 master weights (<see cref="Bf16Training"/>); elsewhere training stays fp32. Off by default because
    /// ultralytics trains in fp32 on a CPU. Measured here: yolov8n, 30 epochs on the shapes set, mAP50-95 0.620 with it against
    /// 0.624 without, in 16 instead of 24 minutes; on a one-minute run (16 epochs, 256 images at 128 px) it learned slower.</summary>
    public bool Amp { get; init; }
    public bool Plots { get; init; } = true;
    /// <summary>NMS IoU of validation; null: the recipe's (0.7 for ultralytics, 0.6 for yolov5).</summary>
    public double? Iou { get; init; }
    public int MaxDet { get; init; } = 300;
    public double Lr0 { get; init; } = 0.01;
    public double Lrf { get; init; } = 0.01;
    public double Momentum { get; init; } = 0.937;
    public double WeightDecay { get; init; } = 0.0005;
    public double WarmupEpochs { get; init; } = 3.0;
    public double WarmupMomentum { get; init; } = 0.8;
    public double WarmupBiasLr { get; init; } = 0.1;
    /// <summary>Box loss gain; null: the head's (7.5 for anchor-free heads, 0.05 for anchor-based heads as yolov5's hyp).</summary>
    public double? Box { get; init; }
    public double Cls { get; init; } = 0.5;
    public double Dfl { get; init; } = 1.5;
    /// <summary>Objectness loss gain of anchor-based heads (yolov5 hyp <c>obj</c>, before train.py's (imgsz/640)² · 3/nl scaling).</summary>
    public double Obj { get; init; } = 1.0;
    /// <summary>Anchor-multiple threshold of anchor-based heads (yolov5 hyp <c>anchor_t</c>): target matching and AutoAnchor.</summary>
    public double AnchorT { get; init; } = 4.0;
    /// <summary>Class label smoothing epsilon of anchor-based heads (yolov5 <c>--label-smoothing</c>).</summary>
    public double LabelSmoothing { get; init; }
    public int Nbs { get; init; } = 64;
    public double HsvH { get; init; } = 0.015;
    public double HsvS { get; init; } = 0.7;
    public double HsvV { get; init; } = 0.4;
    public double Degrees { get; init; }
    public double Translate { get; init; } = 0.1;
    public double Scale { get; init; } = 0.5;
    public double Shear { get; init; }
    public double Perspective { get; init; }
    public double Flipud { get; init; }
    public double Fliplr { get; init; } = 0.5;
    public double Mosaic { get; init; } = 1.0;
    public double Mixup { get; init; }
}
