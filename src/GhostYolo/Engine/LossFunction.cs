using GhostYolo.Losses;
using GhostYolo.Nn;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>The loss a model's head trains with (<see cref="LossRegistry"/>), set from the training options.</summary>
internal sealed class LossFunction : IDisposable
{
    private readonly IDetectionLoss _loss;

    public LossFunction(DetectionModel model, TrainOptions o, int imgsz, LossRegistry? registry = null)
    {
        var head = model.Head ?? throw new ArgumentException($"{model.Definition.File}: the model has no Detect head, so it cannot be trained as a detector");
        _loss = (registry ?? LossRegistry.CreateDefault()).Create(head, new DetectionLossSettings
        {
            Nc = o.SingleCls ? 1 : model.Nc, ImgSz = imgsz, Box = o.Box, Cls = o.Cls, Dfl = o.Dfl, Obj = o.Obj, AnchorT = o.AnchorT,
            LabelSmoothing = o.LabelSmoothing,
        });
    }

    /// <summary>The gains in use, for the run's recipe line.</summary>
    public string Gains => _loss.Gains;

    /// <summary>Loss item names as the reference trainer logs them; <see cref="Compute"/> returns as many items.</summary>
    public IReadOnlyList<string> Names => _loss.Names;

    /// <summary>(loss × batch size with grad, detached items after gains).</summary>
    public (Tensor Loss, Tensor Items) Compute(Tensor[] raw, Tensor targets) => _loss.Compute(raw, targets);

    public void Dispose() => _loss.Dispose();
}
