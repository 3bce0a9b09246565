using GhostYolo.Data;
using GhostYolo.Nn;

namespace GhostYolo.Engine;

/// <summary>
/// Everything <see cref="Trainer"/>'s set-up step builds for one run and its later steps share: the resolved options, the
/// model and its EMA, the run folder, the loaders, optimizer, loss and schedule, and the state carried across epochs
/// (gradient accumulation, best fitness). Disposes what it owns in the reverse order of creation.
/// </summary>
internal sealed class TrainRun : IDisposable
{
    /// <summary>The options after resume and recipe resolution (what args.yaml and the checkpoints hold).</summary>
    public required TrainOptions O { get; init; }
    public required RecipeKind Recipe { get; init; }
    public required TorchSharp.torch.Device Device { get; init; }
    public required int ImgSz { get; init; }
    public required IReadOnlyList<string> Names { get; init; }
    public required DetectionModel Model { get; init; }
    public required DetectionModel EmaModel { get; init; }
    public required string SaveDir { get; init; }
    public required string WeightsDir { get; init; }
    public string Last => Path.Combine(WeightsDir, "last" + Weights.Checkpoint.Extension);
    public string Best => Path.Combine(WeightsDir, "best" + Weights.Checkpoint.Extension);
    public required Loader TrainLoader { get; init; }
    public required Loader ValLoader { get; init; }
    public required OptimizerHandle Optimizer { get; init; }
    public required ModelEma Ema { get; init; }
    public required LossFunction Loss { get; init; }
    public required Bf16Training? Bf16 { get; init; }
    /// <summary>The LR lambda: epoch → LR factor.</summary>
    public required Func<double, double> Lf { get; init; }
    public required WarmupSettings Warmup { get; init; }
    /// <summary>Warm-up iterations.</summary>
    public required int Nw { get; init; }
    public required int StartEpoch { get; init; }
    public required ResultsCsv Results { get; init; }
    public Validator Validator { get; } = new();
    public int Batches => TrainLoader.BatchCount;
    public double ValIou => O.Iou ?? 0.7;
    public int CloseMosaic => O.CloseMosaic ?? 10;

    /// <summary>Batches per optimizer step (warm-up raises it towards nbs / batch).</summary>
    public int Accumulate { get; set; }
    /// <summary>The iteration of the last optimizer step.</summary>
    public long LastOptStep { get; set; } = -1;
    public double BestFitness { get; set; }
    public int BestEpoch { get; set; }
    /// <summary>Epochs finished (and saved) so far, counting those before a resume.</summary>
    public int Completed { get; set; }
    public bool Interrupted { get; set; }

    public void Dispose()
    {
        Bf16?.Dispose();
        Loss.Dispose();
        Optimizer.Dispose();
        ValLoader.Dispose();
        TrainLoader.Dispose();
        EmaModel.Dispose();
        Model.Dispose();
    }
}
