using GhostYolo.Onnx.Quantization;

namespace GhostYolo.Engine;

/// <summary>
/// How an int8 model is calibrated (<see cref="Int8Calibration"/>): images from the training split of <see cref="Data"/>,
/// letterboxed as for inference at the model's training size; the first <see cref="Calib"/> calibrate, the last
/// <see cref="HeldOut"/> (never calibrated on) choose the method and the layers kept float and measure the loss.
/// </summary>
public sealed record Int8Options
{
    /// <summary>Dataset YAML; null: the one the checkpoint was trained on (its <c>data</c> argument), when that file exists.</summary>
    public string? Data { get; init; }
    /// <summary>Calibration images.</summary>
    public int Calib { get; init; } = 256;
    /// <summary>Held-out training images for choosing the method and the float layers (capped at a third of the split).</summary>
    public int HeldOut { get; init; } = 200;
    /// <summary>Null: the method with the best held-out mAP50-95.</summary>
    public CalibrationMethod? Method { get; init; }
    /// <summary>Calibration size; null: the checkpoint's training size.</summary>
    public int? ImgSz { get; init; }
    /// <summary>At most this many convolutions stay float.</summary>
    public int MaxFloatConvs { get; init; } = 8;
    /// <summary>Keep convolutions float until the held-out mAP50-95 loss is at most this. Measured on the demo model: at
    /// 0.005 two float convolutions fit on the held-out slice but the val set lost 0.012; at 0.003 (eight) it lost 0.003 —
    /// 200 held-out images measure mAP50-95 to about ±0.005.</summary>
    public double Budget { get; init; } = 0.003;
    /// <summary>A held-out loss above this is reported as a warning.</summary>
    public double WarnLoss { get; init; } = 0.01;
    /// <summary>Where the calibration is cached; null: beside the checkpoint (<c>best.int8.json</c>), none for a YAML.</summary>
    public string? CachePath { get; init; }
    /// <summary>Choose the method and the float convolutions on the held-out slice. Off: calibrate only (the
    /// <see cref="Method"/>, min/max by default; every convolution int8) — for speed measurements of untrained models.</summary>
    public bool Search { get; init; } = true;
    /// <summary>Ignore a cached calibration and calibrate again.</summary>
    public bool Recalibrate { get; init; }
}
