using GhostYolo.Weights;
namespace GhostYolo.Engine;

/// <summary>Progress of a training run, reported through <see cref="IProgress{T}"/>; the CLI renders these.</summary>
public abstract record TrainEvent;

/// <summary>The run is set up: where it writes, what was loaded, the optimizer line.</summary>
public sealed record TrainStarted(string SaveDir, string ModelSummary, string OptimizerLine, int TrainImages, int ValImages,
    int StartEpoch, int Epochs, int ImgSz, IReadOnlyList<string> LossNames, TransferReport? Transfer, string? ResumedFrom) : TrainEvent;

/// <summary>One training batch done: running-mean losses of the epoch, instances in the batch, throughput and ETA, and the lr and
/// momentum (NaN for optimizers without one) of each parameter group this batch ran with.</summary>
public sealed record BatchEnded(int Epoch, int Epochs, int Batch, int Batches, double[] Loss, int Instances, int Size,
    double ImagesPerSecond, TimeSpan EpochEta, double[]? Lr = null, double[]? Momentum = null) : TrainEvent;

/// <summary>Validation of an epoch's EMA model is under way.</summary>
public sealed record ValidationProgress(int Epoch, int Batch, int Batches) : TrainEvent;

/// <summary>An epoch finished and was validated (or not, when <c>val=false</c>).</summary>
public sealed record EpochEnded(int Epoch, int Epochs, double[] TrainLoss, ValResult? Val, double Fitness, bool IsBest,
    double[] Lr, TimeSpan Duration, double RssMb, double PeakRssMb) : TrainEvent;

/// <summary>A note worth showing (close-mosaic, early stopping, interruption).</summary>
public sealed record TrainNote(string Message) : TrainEvent;

/// <summary>The run ended: final validation of best weights (null if no epoch completed).</summary>
public sealed record TrainFinished(string SaveDir, string? Best, string? Last, ValResult? Final, int EpochsCompleted,
    TimeSpan Elapsed, bool Interrupted) : TrainEvent;
