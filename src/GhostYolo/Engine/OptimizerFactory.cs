using Microsoft.Extensions.Logging;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>Optimizer settings; defaults equal ultralytics <c>default.yaml</c> (optimizer auto, lr0 0.01, momentum 0.937, …).</summary>
/// <param name="Name">"auto", "SGD", "Adam" or "AdamW" (case-insensitive).</param>
internal sealed record OptimizerSettings(string Name = "auto", double Lr0 = 0.01, double Momentum = 0.937, double WeightDecay = 0.0005,
    double WarmupBiasLr = 0.1, int Nbs = 64)
{
    /// <summary>The optimizer part of the training options.</summary>
    public static OptimizerSettings From(TrainOptions o) => new(o.Optimizer, o.Lr0, o.Momentum, o.WeightDecay, o.WarmupBiasLr, o.Nbs);
}

/// <summary>
/// Builds the optimizer the way ultralytics 8.2.103 <c>BaseTrainer.build_optimizer</c> does: three parameter groups
/// (biases without decay as group 0, other weights with decay as group 1, normalisation-layer weights without decay as group 2),
/// weight decay scaled by batch·accumulate/nbs, and the "auto" rule (SGD for long runs, AdamW with a class-count-fitted lr otherwise).
/// </summary>
internal static class OptimizerFactory
{
    /// <summary>Names accepted by <see cref="Build"/>.</summary>
    public static readonly IReadOnlyList<string> KnownNames = ["auto", "SGD", "Adam", "AdamW"];

    /// <summary>max(round(nbs / batch), 1) with Python's half-to-even rounding (§3.2).</summary>
    public static int Accumulate(int batchSize, int nbs = 64) => Math.Max((int)Math.Round(nbs / (double)batchSize, MidpointRounding.ToEven), 1);

    /// <summary>weight_decay · batch · accumulate / nbs (§3.2).</summary>
    public static double ScaledWeightDecay(double weightDecay, int batchSize, int nbs = 64) =>
        weightDecay * batchSize * Accumulate(batchSize, nbs) / nbs;

    /// <summary>The iteration estimate the auto rule uses: ceil(n_images / max(batch, nbs)) · epochs.</summary>
    public static long AutoIterations(int trainImages, int batchSize, int epochs, int nbs = 64) =>
        (long)Math.Ceiling(trainImages / (double)Math.Max(batchSize, nbs)) * epochs;

    /// <summary>The auto rule's AdamW lr: round(0.002 · 5 / (4 + nc), 6).</summary>
    public static double AutoLr(int numClasses) => Math.Round(0.002 * 5 / (4 + numClasses), 6, MidpointRounding.ToEven);

    /// <summary>
    /// Splits the model's parameters into (biases, decayed weights, norm weights) = (g2, g0, g1) of the reference.
    /// A parameter whose full name contains "bias" is a bias; otherwise a parameter owned by a normalisation layer
    /// (any TorchSharp *Norm* module: BatchNorm, GroupNorm, LayerNorm, InstanceNorm…) is a norm weight; the rest decay.
    /// Frozen parameters (requires_grad false) are kept, like the reference: they never get a gradient so never move.
    /// </summary>
    public static (List<Parameter> Bias, List<Parameter> Decay, List<Parameter> Norm) GroupParameters(nn.Module model)
    {
        var modules = new Dictionary<string, nn.Module> { [""] = model };
        foreach (var (name, m) in model.named_modules()) modules[name] = m;
        var bias = new List<Parameter>();
        var decay = new List<Parameter>();
        var norm = new List<Parameter>();
        foreach (var (fullName, p) in model.named_parameters())
        {
            int dot = fullName.LastIndexOf('.');
            var owner = modules.GetValueOrDefault(dot < 0 ? "" : fullName[..dot]);
            if (fullName.Contains("bias", StringComparison.Ordinal)) bias.Add(p);
            else if (owner is not null && IsNormLayer(owner)) norm.Add(p);
            else decay.Add(p);
        }
        return (bias, decay, norm);
    }

    /// <summary>True for TorchSharp normalisation modules (the reference's <c>"Norm" in nn class name</c> test).</summary>
    public static bool IsNormLayer(nn.Module module)
    {
        for (var t = module.GetType(); t is not null && t != typeof(nn.Module); t = t.BaseType)
        {
            if (t.Namespace == "TorchSharp.Modules" && t.Name.Contains("Norm", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>
    /// Builds the optimizer.
    /// </summary>
    /// <param name="model">The model whose parameters are optimised.</param>
    /// <param name="settings">Name, lr0, momentum, weight decay, warmup_bias_lr and nbs.</param>
    /// <param name="batchSize">Training batch size (for accumulate and the weight-decay scaling).</param>
    /// <param name="numClasses">Model nc (the auto rule's lr fit).</param>
    /// <param name="iterations">See <see cref="AutoIterations"/>; only the auto rule reads it.</param>
    public static OptimizerHandle Build(nn.Module model, OptimizerSettings settings, int batchSize, int numClasses, long iterations,
        ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        string name = KnownNames.FirstOrDefault(n => string.Equals(n, settings.Name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown optimizer '{settings.Name}'. Use one of: {string.Join(", ", KnownNames)}.", nameof(settings));
        int accumulate = Accumulate(batchSize, settings.Nbs);
        double decay = ScaledWeightDecay(settings.WeightDecay, batchSize, settings.Nbs);
        double lr = settings.Lr0, momentum = settings.Momentum, warmupBiasLr = settings.WarmupBiasLr;
        if (name == "auto")
        {
            (name, lr, momentum) = iterations > 10000 ? ("SGD", 0.01, 0.9) : ("AdamW", AutoLr(numClasses), 0.9);
            warmupBiasLr = 0.0;   // the reference resets args.warmup_bias_lr under auto, whichever optimizer it picks
            logger?.LogInformation("optimizer: 'optimizer=auto' found, ignoring 'lr0={Lr0}' and 'momentum={Momentum}' and determining best 'optimizer', 'lr0' and 'momentum' automatically...",
                settings.Lr0, settings.Momentum);
        }

        var (g2, g0, g1) = GroupParameters(model);
        OptimizerHelper optimizer = name switch
        {
            "SGD" => optim.SGD(new[]
            {
                new SGD.ParamGroup(g2, lr, momentum: momentum, weight_decay: 0.0, nesterov: true),
                new SGD.ParamGroup(g0, lr, momentum: momentum, weight_decay: decay, nesterov: true),
                new SGD.ParamGroup(g1, lr, momentum: momentum, weight_decay: 0.0, nesterov: true),
            }, lr, momentum: momentum, nesterov: true),
            "AdamW" => optim.AdamW(new[]
            {
                new AdamW.ParamGroup(g2, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: 0.0),
                new AdamW.ParamGroup(g0, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: decay),
                new AdamW.ParamGroup(g1, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: 0.0),
            }, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: 0.0),
            _ => optim.Adam(new[]
            {
                new Adam.ParamGroup(g2, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: 0.0),
                new Adam.ParamGroup(g0, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: decay),
                new Adam.ParamGroup(g1, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: 0.0),
            }, lr, beta1: momentum, beta2: 0.999, eps: 1e-8, weight_decay: 0.0),
        };
        var handle = new OptimizerHandle(optimizer, name, lr, momentum, decay, warmupBiasLr, accumulate, [g2.Count, g0.Count, g1.Count]);
        logger?.LogInformation("optimizer: {Description}", handle.Describe());
        return handle;
    }
}
