using System.Diagnostics;
using GhostYolo.Data;

namespace GhostYolo.Engine;

/// <summary>The steps of a training epoch on the training thread that <see cref="TrainTimings"/> times.</summary>
internal enum TrainStage
{
    /// <summary>Waiting for the loader's next batch (what the workers did not have ready).</summary>
    LoaderWait,
    Forward,
    Loss,
    /// <summary>Backward pass (and, under amp, moving the bf16 gradients to the fp32 weights).</summary>
    Backward,
    /// <summary>Gradient clipping, the optimizer step and zeroing the gradients (every <c>accumulate</c> batches).</summary>
    OptimizerStep,
    /// <summary>The EMA update after each optimizer step.</summary>
    Ema,
    /// <summary>Validation of the epoch's EMA model (its own loader, forward, NMS and metrics).</summary>
    Validation,
    /// <summary>results.csv, last/best checkpoints and plots at the end of the epoch.</summary>
    Save,
}

/// <summary>
/// Where a training epoch's time goes: the trainer reports each step of the epoch here when one is attached
/// (<see cref="Trainer"/>'s constructor), and the training dataset's workers report decode, augmentation and collation
/// to <see cref="Loader"/>. Without one the trainer pays a null check per step. Not thread-safe on the training side:
/// one trainer reports to it.
/// </summary>
internal sealed class TrainTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<TrainStage>().Length];

    /// <summary>Decode, augmentation and collation inside the training loader's workers (summed over workers).</summary>
    public LoaderClock Loader { get; } = new();
    /// <summary>Training batches run.</summary>
    public int Batches { get; private set; }
    /// <summary>Training images run.</summary>
    public long Images { get; private set; }
    /// <summary>Epochs finished.</summary>
    public int Epochs { get; private set; }
    /// <summary>Wall time of the finished epochs, from the LR update at the start to the saved checkpoint at the end.</summary>
    public TimeSpan EpochTime { get; private set; }

    /// <summary>Time recorded for one stage.</summary>
    public TimeSpan this[TrainStage stage] => Stopwatch.GetElapsedTime(0, _ticks[(int)stage]);

    /// <summary>Wall time of the epochs not covered by a <see cref="TrainStage"/> (LR and warm-up updates, progress events,
    /// reading the loss items, freeing a batch).</summary>
    public TimeSpan Other => EpochTime - Enum.GetValues<TrainStage>().Aggregate(TimeSpan.Zero, (sum, s) => sum + this[s]);

    internal static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> to <paramref name="stage"/>; returns the current timestamp.</summary>
    internal long Add(TrainStage stage, long start)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)stage] += now - start;
        return now;
    }

    internal void BatchEnded(int images)
    {
        Batches++;
        Images += images;
    }

    internal void EpochEnded(TimeSpan duration)
    {
        Epochs++;
        EpochTime += duration;
    }
}
