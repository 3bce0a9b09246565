using GhostYolo.Engine;
using Microsoft.Extensions.Logging;

namespace GhostYolo.Tasks;

/// <summary>What a training run produced: its folder, the stripped best and last checkpoints, the final validation of the best
/// weights (null when interrupted or no epoch finished) and where the time went.</summary>
/// <param name="EpochDurations">Wall time of each epoch this run finished (training, validation and saving).</param>
public sealed record TrainResult(string SaveDir, string? Best, string? Last, ValResult? Final, int EpochsCompleted, bool Interrupted,
    TimeSpan Elapsed, IReadOnlyList<TimeSpan> EpochDurations)
{
    /// <summary>The final metrics of the best weights (precision, recall, mAP50, mAP50-95), when they were validated.</summary>
    public Metrics.DetectionMetricsResult? Metrics => Final?.Metrics;
}

/// <summary>
/// Training as a library task: <see cref="TrainOptions"/> in, <see cref="Run"/> with progress events and cancellation,
/// a <see cref="TrainResult"/> out. The <c>train</c> command, the demo and apps embedding GhostYolo call this; the steps
/// themselves are <see cref="Trainer"/>'s.
/// </summary>
public sealed class TrainTask
{
    private readonly ILogger? logger;
    private readonly TrainTimings? timings;

    /// <summary>A training task for <paramref name="options"/>; <paramref name="logger"/> receives what the trainer logs besides its events.</summary>
    public TrainTask(TrainOptions options, ILogger? logger = null) : this(options, logger, null) { }

    /// <summary>A training task that also reports where each epoch's time goes to <paramref name="timings"/>.</summary>
    internal TrainTask(TrainOptions options, ILogger? logger, TrainTimings? timings) { Options = options; this.logger = logger; this.timings = timings; }

    /// <summary>The options this task trains with.</summary>
    public TrainOptions Options { get; }

    /// <summary>
    /// Options from <c>key=value</c> pairs as the command line and <c>--cfg</c> files give them (later pairs win), checked the
    /// way the trainer needs: a known recipe; a dataset unless resuming; and on resume only device, workers and threads may
    /// differ from the run's own settings (the others are named in the message).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown key, recipe or value, a missing dataset, or a resume that changes a setting.</exception>
    public static TrainTask FromArguments(IReadOnlyList<KeyValuePair<string, string>> pairs, ILogger? logger = null)
    {
        var options = OptionOverrides.Apply(new TrainOptions(), pairs);
        TrainRecipe.Parse(options.Recipe);   // an unknown recipe is a user error before anything loads
        if (options.Resume)
        {
            // As ultralytics: a resumed run keeps its own settings; only the machine's (device, workers, threads) may change.
            var conflicts = Trainer.ResumeConflicts(options.Model, pairs);
            if (conflicts.Count > 0)
                throw new ArgumentException($"--resume continues {options.Model} with its own settings; these differ from it: {string.Join("; ", conflicts)}. Drop them, or start a new run with --weights {options.Model}");
        }
        else if (string.IsNullOrEmpty(options.Data))
            throw new ArgumentException("--data is required: the dataset YAML to train on (only --resume takes it from the checkpoint)");
        return new TrainTask(options, logger);
    }

    /// <summary>Trains; events arrive on the calling thread in order. Cancelling stops after the current batch, keeps
    /// last.gyt of the finished epochs and returns with <see cref="TrainResult.Interrupted"/> set.</summary>
    public TrainResult Run(IProgress<TrainEvent>? progress = null, CancellationToken ct = default)
    {
        var epochs = new List<TimeSpan>();
        var relay = new Relay<TrainEvent>(e =>
        {
            if (e is EpochEnded ended) epochs.Add(ended.Duration);
            progress?.Report(e);
        });
        var f = new Trainer(logger, timings).Train(Options, relay, ct);
        return new TrainResult(f.SaveDir, f.Best, f.Last, f.Final, f.EpochsCompleted, f.Interrupted, f.Elapsed, epochs);
    }
}
