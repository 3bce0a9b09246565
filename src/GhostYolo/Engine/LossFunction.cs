using GhostYolo.Losses;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>The loss a model's head implies (v8: TAL + DFL; v5: anchors + objectness), behind one call.</summary>
public sealed class LossFunction : IDisposable
{
    private readonly DetectionLossV8? _v8;
    private readonly DetectionLossV5? _v5;

    public LossFunction(DetectionModel model, TrainOptions o, int imgsz)
    {
        var head = model.Head ?? throw new ArgumentException($"{model.Definition.File}: the model has no Detect head, so it cannot be trained as a detector");
        var strides = head.Strides.Select(s => (double)s).ToArray();
        int nc = o.SingleCls ? 1 : model.Nc;
        if (head is DetectV5 v5)
        {
            _v5 = new DetectionLossV5(nc, v5.AnchorsGrid.detach().clone(), strides, imgsz, new DetectionLossV5Options(Cls: o.Cls));
            Names = ["box_loss", "obj_loss", "cls_loss"];
        }
        else
        {
            _v8 = new DetectionLossV8(nc, strides, DetectionLossV8Options.From(o));
            Names = ["box_loss", "cls_loss", "dfl_loss"];
        }
    }

    /// <summary>Loss item names as ultralytics logs them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>(loss × batch size with grad, detached 3 items after gains).</summary>
    public (Tensor Loss, Tensor Items) Compute(Tensor[] raw, Tensor targets)
        => _v8 is not null ? _v8.Compute(raw, targets) : _v5!.Compute(raw, targets);

    public void Dispose() => _v5?.Dispose();
}
