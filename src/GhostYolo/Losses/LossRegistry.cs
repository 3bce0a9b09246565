using GhostYolo.Nn.Modules;

namespace GhostYolo.Losses;

/// <summary>
/// Head type → the loss it trains with. The heads live in <c>Nn</c>, below the losses, so the pairing is kept here rather
/// than as a factory method on the head (which would make <c>Nn</c> import <c>Losses</c>). Adding a head = one
/// <see cref="Register{THead}"/> line; the trainer never asks which head it has.
/// </summary>
internal sealed class LossRegistry
{
    private readonly Dictionary<Type, Func<IDetectHead, DetectionLossSettings, IDetectionLoss>> _factories = [];

    /// <summary>The losses of the built-in heads: <see cref="Detect"/> → <see cref="DetectionLossV8"/> (TAL + DFL),
    /// <see cref="DetectV5"/> → <see cref="DetectionLossV5"/> (anchors + objectness).</summary>
    public static LossRegistry CreateDefault() => new LossRegistry()
        .Register<Detect>((head, s) =>
        {
            var d = new DetectionLossV8Options();
            return new DetectionLossV8(s.Nc ?? head.Nc, Strides(head), d with { Box = s.Box ?? d.Box, Cls = s.Cls, Dfl = s.Dfl });
        })
        .Register<DetectV5>((head, s) =>
        {
            // Every gain the user sets reaches the v5 loss; the constructor scales them as yolov5's train.py does.
            var d = new DetectionLossV5Options();
            return new DetectionLossV5(s.Nc ?? head.Nc, head.AnchorsGrid, Strides(head), s.ImgSz,
                d with { Box = s.Box ?? d.Box, Obj = s.Obj, Cls = s.Cls, AnchorT = s.AnchorT, LabelSmoothing = s.LabelSmoothing });
        });

    /// <summary>Pairs a head type with its loss factory (replacing an earlier pairing).</summary>
    public LossRegistry Register<THead>(Func<THead, DetectionLossSettings, IDetectionLoss> factory) where THead : IDetectHead
    {
        _factories[typeof(THead)] = (head, s) => factory((THead)head, s);
        return this;
    }

    /// <summary>The loss <paramref name="head"/> trains with.</summary>
    /// <exception cref="NotSupportedException">No loss is registered for the head's type.</exception>
    public IDetectionLoss Create(IDetectHead head, DetectionLossSettings settings)
        => _factories.TryGetValue(head.GetType(), out var factory) ? factory(head, settings)
            : throw new NotSupportedException($"no loss is registered for the head {head.GetType().Name}; known: {string.Join(", ", _factories.Keys.Select(k => k.Name))}");

    private static double[] Strides(IDetectHead head) => head.Strides.Select(s => (double)s).ToArray();
}
