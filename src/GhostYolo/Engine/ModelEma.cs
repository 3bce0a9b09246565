using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// Exponential moving average of a model's floating-point state (all parameters and BatchNorm running statistics; integer buffers
/// such as num_batches_tracked are skipped), mirroring ultralytics <c>utils.torch_utils.ModelEMA</c> (same in yolov5):
/// ema = d·ema + (1 − d)·model with d = decay · (1 − exp(−updates / tau)).
/// </summary>
/// <remarks>
/// TorchSharp modules cannot be deep-copied generically, so the caller passes a second instance of the same architecture;
/// the constructor copies the model's current state into it, puts it in eval mode and freezes it.
/// </remarks>
internal sealed class ModelEma
{
    private readonly (string Key, Tensor Value)[] _emaState;
    private nn.Module? _source;
    private Tensor[] _sourceState = [];

    /// <param name="model">The model being trained.</param>
    /// <param name="emaModel">A separate instance of the same architecture that will hold the average.</param>
    /// <param name="updates">Update count to resume from (0 for a fresh run).</param>
    public ModelEma(nn.Module model, nn.Module emaModel, long updates = 0, double decay = 0.9999, double tau = 2000)
    {
        if (ReferenceEquals(model, emaModel))
            throw new ArgumentException("The EMA needs its own model instance; pass a second model built from the same definition.", nameof(emaModel));
        Module = emaModel;
        Updates = updates;
        DecayBase = decay;
        Tau = tau;
        _emaState = emaModel.state_dict().Where(kv => kv.Value.is_floating_point()).Select(kv => (kv.Key, kv.Value)).ToArray();
        emaModel.eval();
        foreach (var p in emaModel.parameters()) p.requires_grad = false;
        CopyState(model, emaModel);
    }

    /// <summary>The averaged model (eval mode, no grad). Validate and checkpoint this one.</summary>
    public nn.Module Module { get; }
    /// <summary>Number of <see cref="Update"/> calls so far (saved in checkpoints as <c>updates</c>).</summary>
    public long Updates { get; private set; }
    public double DecayBase { get; }
    public double Tau { get; }

    /// <summary>d(u) = decay · (1 − exp(−u / tau)).</summary>
    public static double DecayAt(long updates, double decay = 0.9999, double tau = 2000) => decay * (1 - Math.Exp(-updates / tau));

    /// <summary>Increments <see cref="Updates"/> and blends the model's floating state into the EMA. Call after each optimizer step.</summary>
    public void Update(nn.Module model)
    {
        Updates++;
        double d = DecayAt(Updates, DecayBase, Tau);
        var source = SourceState(model);
        using var noGrad = no_grad();
        for (int i = 0; i < _emaState.Length; i++)
        {
            var e = _emaState[i].Value;
            e.mul_(d).add_(source[i], alpha: 1 - d);
        }
    }

    /// <summary>Copies the EMA's floating state into <paramref name="target"/> (e.g. an eval copy or the model before export).</summary>
    public void CopyTo(nn.Module target) => CopyState(Module, target);

    /// <summary>Copies every floating state entry of <paramref name="from"/> into the same key of <paramref name="to"/>.</summary>
    public static void CopyState(nn.Module from, nn.Module to)
    {
        var src = from.state_dict();
        var dst = to.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, d) in dst)
        {
            if (!d.is_floating_point()) continue;
            if (!src.TryGetValue(key, out var s))
                throw new ArgumentException($"State entry '{key}' exists in one model but not the other; the EMA needs two instances of the same architecture.");
            d.copy_(s);
        }
    }

    private Tensor[] SourceState(nn.Module model)
    {
        if (ReferenceEquals(model, _source)) return _sourceState;
        var sd = model.state_dict();
        var list = new Tensor[_emaState.Length];
        for (int i = 0; i < _emaState.Length; i++)
        {
            var key = _emaState[i].Key;
            if (!sd.TryGetValue(key, out var t))
                throw new ArgumentException($"The trained model has no state entry '{key}' that the EMA model has; they must share one architecture.", nameof(model));
            if (!t.shape.SequenceEqual(_emaState[i].Value.shape))
                throw new ArgumentException($"State entry '{key}' has shape ({string.Join(", ", t.shape)}) in the model but ({string.Join(", ", _emaState[i].Value.shape)}) in the EMA.", nameof(model));
            list[i] = t;
        }
        _source = model;
        _sourceState = list;
        return list;
    }
}
