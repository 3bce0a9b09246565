using static TorchSharp.torch;

namespace GhostYolo.Losses;

/// <summary>The loss a detection head trains with, behind one call; <see cref="LossRegistry"/> picks it by the head's type.</summary>
internal interface IDetectionLoss : IDisposable
{
    /// <summary>Loss item names as the reference trainer logs them (v8: box, cls, dfl; v5: box, obj, cls); their count is
    /// the length of <see cref="Compute"/>'s items.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The gains in use, for the run's recipe line.</summary>
    string Gains { get; }

    /// <summary>Raw head outputs and (N, 6) targets [image, class, cx, cy, w, h] → (loss × batch size with grad, detached
    /// items after gains).</summary>
    (Tensor Loss, Tensor Items) Compute(IReadOnlyList<Tensor> raw, Tensor targets);
}

/// <summary>
/// The hyperparameters a detection loss may read (each loss takes the ones it has); defaults equal ultralytics'
/// default.yaml and yolov5's hyp.scratch-low. A null <see cref="Box"/> is the loss's own default (7.5 anchor-free, 0.05 anchor-based).
/// </summary>
internal sealed record DetectionLossSettings
{
    /// <summary>Classes the loss scores (1 under single_cls); null: the head's.</summary>
    public int? Nc { get; init; }
    /// <summary>Training image size (the v5 objectness gain scales by (imgsz/640)²).</summary>
    public int ImgSz { get; init; } = 640;
    public double? Box { get; init; }
    public double Cls { get; init; } = 0.5;
    public double Dfl { get; init; } = 1.5;
    public double Obj { get; init; } = 1.0;
    public double AnchorT { get; init; } = 4.0;
    public double LabelSmoothing { get; init; }
}
