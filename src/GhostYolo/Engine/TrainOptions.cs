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
    public int CloseMosaic { get; init; } = 10;
    public bool Resume { get; init; }
    public double Fraction { get; init; } = 1.0;
    public bool Val { get; init; } = true;
    /// <summary>Mixed precision (ultralytics <c>amp</c>): on a CPU with native bfloat16 (AVX-512 BF16 / AMX), forward and backward run
    /// in bf16 against fp32 master weights (<see cref="Bf16Training"/>); elsewhere training stays fp32. Off by default because
    /// ultralytics trains in fp32 on a CPU. Measured here: yolov8n, 30 epochs on the shapes set, mAP50-95 0.620 with it against
    /// 0.624 without, in 16 instead of 24 minutes; on a one-minute run (16 epochs, 256 images at 128 px) it learned slower.</summary>
    public bool Amp { get; init; }
    public bool Plots { get; init; } = true;
    public double Iou { get; init; } = 0.7;
    public int MaxDet { get; init; } = 300;
    public double Lr0 { get; init; } = 0.01;
    public double Lrf { get; init; } = 0.01;
    public double Momentum { get; init; } = 0.937;
    public double WeightDecay { get; init; } = 0.0005;
    public double WarmupEpochs { get; init; } = 3.0;
    public double WarmupMomentum { get; init; } = 0.8;
    public double WarmupBiasLr { get; init; } = 0.1;
    public double Box { get; init; } = 7.5;
    public double Cls { get; init; } = 0.5;
    public double Dfl { get; init; } = 1.5;
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
