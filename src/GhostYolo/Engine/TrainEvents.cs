using GhostYolo.Weights;
namespace GhostYolo.Engine;

/// <summary>Progress of a training run, reported through <see cref="IProgress{T}"/>; the CLI renders these.</summary>
public abstract record TrainEvent;

/// <summary>The run is set up: where it writes, what was loaded, the optimizer line.</summary>
/// <param name="SaveDir">The run folder (<c>runs/detect/trainN</c>).</param>
/// <param name="ModelSummary">The model's summary line (layers, parameters, GFLOPs).</param>
/// <param name="OptimizerLine">The optimizer and its parameter groups, as ultralytics prints them.</param>
/// <param name="TrainImages">Usable training images.</param>
/// <param name="ValImages">Usable validation images.</param>
/// <param name="StartEpoch">The first epoch to run (0-based; later when resuming).</param>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="ImgSz">Training image size.</param>
/// <param name="LossNames">Names of the loss items (<c>box_loss</c>, <c>cls_loss</c>, <c>dfl_loss</c> or <c>obj_loss</c>).</param>
/// <param name="Transfer">What was transferred from a checkpoint or weights file; null when training from scratch.</param>
/// <param name="ResumedFrom">The checkpoint resumed from; null for a new run.</param>
public sealed record TrainStarted(string SaveDir, string ModelSummary, string OptimizerLine, int TrainImages, int ValImages,
    int StartEpoch, int Epochs, int ImgSz, IReadOnlyList<string> LossNames, TransferReport? Transfer, string? ResumedFrom) : TrainEvent;

/// <summary>One training batch done: running-mean losses of the epoch, instances in the batch, throughput and ETA, and the lr and
/// momentum (NaN for optimizers without one) of each parameter group this batch ran with.</summary>
/// <param name="Epoch">The epoch (0-based).</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch (from 1).</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Running means of the loss items over the epoch so far.</param>
/// <param name="Instances">Labelled boxes in this batch.</param>
/// <param name="Size">Input size of this batch.</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch so far.</param>
/// <param name="EpochEta">Estimated time left in the epoch.</param>
/// <param name="Lr">Learning rate of each parameter group.</param>
/// <param name="Momentum">Momentum (or Adam beta1) of each parameter group.</param>
public sealed record BatchEnded(int Epoch, int Epochs, int Batch, int Batches, double[] Loss, int Instances, int Size,
    double ImagesPerSecond, TimeSpan EpochEta, double[]? Lr = null, double[]? Momentum = null) : TrainEvent;

/// <summary>Validation of an epoch's EMA model is under way.</summary>
/// <param name="Epoch">The epoch (0-based).</param>
/// <param name="Batch">Validation batches done (from 1).</param>
/// <param name="Batches">Validation batches in all.</param>
public sealed record ValidationProgress(int Epoch, int Batch, int Batches) : TrainEvent;

/// <summary>An epoch finished and was validated (or not, when <c>val=false</c>).</summary>
/// <param name="Epoch">The epoch (0-based).</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="TrainLoss">Mean loss items of the epoch.</param>
/// <param name="Val">The validation of the epoch's EMA model; null when it was not validated.</param>
/// <param name="Fitness">0.1 · mAP50 + 0.9 · mAP50-95 of that validation (without one: the best so far).</param>
/// <param name="IsBest">Whether this epoch's weights are the new <c>best.gyt</c>.</param>
/// <param name="Lr">Learning rate of each parameter group, as <c>results.csv</c> logs it (<c>lr/pg0</c>, …).</param>
/// <param name="Duration">Wall time of the epoch, validation included.</param>
/// <param name="RssMb">The process's resident memory (MiB) at the end of the epoch.</param>
/// <param name="PeakRssMb">The process's peak resident memory (MiB) so far.</param>
public sealed record EpochEnded(int Epoch, int Epochs, double[] TrainLoss, ValResult? Val, double Fitness, bool IsBest,
    double[] Lr, TimeSpan Duration, double RssMb, double PeakRssMb) : TrainEvent;

/// <summary>A note worth showing (close-mosaic, early stopping, interruption).</summary>
/// <param name="Message">The note, one line.</param>
public sealed record TrainNote(string Message) : TrainEvent;

/// <summary>The run ended: final validation of best weights (null if no epoch completed).</summary>
/// <param name="SaveDir">The run folder.</param>
/// <param name="Best"><c>weights/best.gyt</c>, or null if none was written.</param>
/// <param name="Last"><c>weights/last.gyt</c>, or null if none was written.</param>
/// <param name="Final">The final validation of the best weights; null if no epoch completed.</param>
/// <param name="EpochsCompleted">Epochs completed, counted from the start of the run (resumed epochs included).</param>
/// <param name="Elapsed">Wall time of the call.</param>
/// <param name="Interrupted">Whether cancellation stopped the run early.</param>
public sealed record TrainFinished(string SaveDir, string? Best, string? Last, ValResult? Final, int EpochsCompleted,
    TimeSpan Elapsed, bool Interrupted) : TrainEvent;
