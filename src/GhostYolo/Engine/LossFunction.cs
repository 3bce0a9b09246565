using GhostYolo.Losses;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>The loss a model's head implies (v8: TAL + DFL; v5: anchors + objectness), behind one call.</summary>
internal sealed class LossFunction : IDisposable
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
            // Every gain the user sets reaches the v5 loss; the constructor scales them as yolov5's train.py does.
            var options = new DetectionLossV5Options(Box: o.Box ?? TrainRecipe.BoxAnchorBased, Obj: o.Obj, Cls: o.Cls, AnchorT: o.AnchorT,
                LabelSmoothing: o.LabelSmoothing);
            _v5 = new DetectionLossV5(nc, v5.AnchorsGrid.detach().clone(), strides, imgsz, options);
            Names = ["box_loss", "obj_loss", "cls_loss"];
            Gains = FormattableString.Invariant(
                $"box={_v5.BoxGain:G4} obj={_v5.ObjGain:G4} cls={_v5.ClsGain:G4} anchor_t={options.AnchorT} (hyp box={options.Box} obj={options.Obj} cls={options.Cls} scaled by 3/nl, nc/80, (imgsz/640)²)");
        }
        else
        {
            var options = new DetectionLossV8Options(Box: o.Box ?? TrainRecipe.BoxAnchorFree, Cls: o.Cls, Dfl: o.Dfl);
            _v8 = new DetectionLossV8(nc, strides, options);
            Names = ["box_loss", "cls_loss", "dfl_loss"];
            Gains = FormattableString.Invariant($"box={options.Box} cls={options.Cls} dfl={options.Dfl}");
        }
    }

    /// <summary>The gains in use, for the run's recipe line.</summary>
    public string Gains { get; }

    /// <summary>Loss item names as ultralytics logs them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>(loss × batch size with grad, detached 3 items after gains).</summary>
    public (Tensor Loss, Tensor Items) Compute(Tensor[] raw, Tensor targets)
        => _v8 is not null ? _v8.Compute(raw, targets) : _v5!.Compute(raw, targets);

    public void Dispose() => _v5?.Dispose();
}
