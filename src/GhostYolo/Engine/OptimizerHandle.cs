using GhostYolo.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// A built optimizer with the three ultralytics parameter groups (0 = biases, 1 = decayed weights, 2 = norm weights) and the
/// per-group knobs the trainer turns during warm-up and at epoch boundaries. Created by <see cref="OptimizerFactory"/>.
/// </summary>
internal sealed class OptimizerHandle : IDisposable
{
    private readonly OptimizerHelper _optimizer;
    private readonly ParamGroup[] _groups;
    private readonly Parameter[] _parameters;

    internal OptimizerHandle(OptimizerHelper optimizer, string name, double lr, double momentum, double weightDecay,
        double warmupBiasLr, int accumulate, IReadOnlyList<int> groupSizes)
    {
        _optimizer = optimizer;
        _groups = optimizer.ParamGroups.Cast<ParamGroup>().ToArray();
        _parameters = _groups.SelectMany(g => g.Parameters).ToArray();
        Name = name;
        Lr = lr;
        Momentum = momentum;
        WeightDecay = weightDecay;
        WarmupBiasLr = warmupBiasLr;
        Accumulate = accumulate;
        GroupSizes = groupSizes;
    }

    /// <summary>The underlying TorchSharp optimizer.</summary>
    public optim.Optimizer Optimizer => _optimizer;
    /// <summary>Resolved optimizer name ("SGD", "Adam", "AdamW"); never "auto".</summary>
    public string Name { get; }
    /// <summary>Learning rate the optimizer was built with (after the auto rule).</summary>
    public double Lr { get; }
    /// <summary>Momentum (SGD) or beta1 (Adam family) the optimizer was built with.</summary>
    public double Momentum { get; }
    /// <summary>Weight decay of group 1 after scaling by batch·accumulate/nbs.</summary>
    public double WeightDecay { get; }
    /// <summary>Warm-up start lr of the bias group: the configured value, or 0 when the optimizer was chosen by "auto".</summary>
    public double WarmupBiasLr { get; }
    /// <summary>Steady-state gradient accumulation, max(round(nbs / batch), 1).</summary>
    public int Accumulate { get; }
    /// <summary>Parameter count of groups 0 (bias), 1 (decayed weights), 2 (norm weights).</summary>
    public IReadOnlyList<int> GroupSizes { get; }
    public int GroupCount => _groups.Length;
    /// <summary>Whether groups carry an SGD momentum that warm-up drives (false for the Adam family, as in the reference).</summary>
    public bool HasMomentum => _optimizer is SGD;
    /// <summary>All parameters handed to the optimizer, in group order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    public double GetLr(int group) => _groups[group].LearningRate;
    public void SetLr(int group, double lr) => _groups[group].LearningRate = lr;
    /// <summary>The group's initial lr (ultralytics <c>initial_lr</c>), the base the LR lambda multiplies.</summary>
    public double GetInitialLr(int group) => _groups[group].InitialLearningRate;
    public double GetWeightDecay(int group) => _groups[group].Options switch
    {
        SGD.Options o => o.weight_decay ?? 0,
        AdamW.Options o => o.weight_decay ?? 0,
        Adam.Options o => o.weight_decay ?? 0,
        _ => 0,
    };

    /// <summary>The group's SGD momentum, or null for the Adam family.</summary>
    public double? GetMomentum(int group) => _groups[group] is SGD.ParamGroup g ? g.Momentum : null;

    /// <summary>Sets SGD momentum; a no-op for the Adam family (the reference only touches groups that have a momentum key).</summary>
    public void SetMomentum(int group, double momentum)
    {
        if (_groups[group] is SGD.ParamGroup g) g.Momentum = momentum;
    }

    public void Step() => _optimizer.step();
    public void ZeroGrad() => _optimizer.zero_grad();

    /// <summary>
    /// Clips the global L2 norm of all gradients to <paramref name="maxNorm"/> (reference: 10.0 before every optimizer step)
    /// and returns the norm before clipping.
    /// </summary>
    public double ClipGradNorm(double maxNorm = 10.0) => nn.utils.clip_grad_norm_(_parameters, maxNorm);

    /// <summary>Writes the optimizer state (group options and momentum/Adam buffers) in TorchSharp's format.</summary>
    public void SaveState(BinaryWriter writer)
    {
        OptimizerStates.MakeContiguous(_optimizer);
        _optimizer.save_state_dict(writer);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote; the optimizer must have been built the same way. TorchSharp
    /// reads into the existing buffers, which for channels-last parameters are channels-last and cannot take raw bytes
    /// ("Bytes() called on non-contiguous tensor": resuming any AdamW run, i.e. optimizer=auto on small datasets, crashed),
    /// so they are made contiguous first.</summary>
    public void LoadState(BinaryReader reader)
    {
        OptimizerStates.MakeContiguous(_optimizer);
        _optimizer.load_state_dict(reader);
    }

    /// <summary>The reference's startup line, e.g. "SGD(lr=0.01, momentum=0.9) with parameter groups 57 weight(decay=0.0), …".</summary>
    public string Describe() =>
        FormattableString.Invariant($"{Name}(lr={Lr:G6}, momentum={Momentum:G6}) with parameter groups {GroupSizes[2]} weight(decay=0.0), {GroupSizes[1]} weight(decay={WeightDecay:G6}), {GroupSizes[0]} bias(decay=0.0)");

    public void Dispose() => _optimizer.Dispose();
}
