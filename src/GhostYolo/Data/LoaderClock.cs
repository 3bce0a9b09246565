using System.Diagnostics;

namespace GhostYolo.Data;

/// <summary>The stages of building a training batch that <see cref="LoaderClock"/> times.</summary>
internal enum LoaderStage
{
    /// <summary>Reading and decoding an image file and resizing it to the training size (cache misses only).</summary>
    Decode,
    /// <summary>Loading a sample and its augmentations (Mosaic with its partners, perspective, HSV, flips), decode included;
    /// <see cref="LoaderClock.Augment"/> reports it without the decode.</summary>
    LoadAndAugment,
    /// <summary>HWC BGR → CHW RGB per sample, and stacking the batch into tensors.</summary>
    Collate,
}

/// <summary>
/// Time spent inside the loader workers per stage, summed over all workers (thread-safe). A dataset reports to it only
/// when one is attached (<see cref="YoloDataset.Clock"/>), so training without it pays nothing.
/// </summary>
internal sealed class LoaderClock
{
    private readonly long[] _ticks = new long[3];
    private long _batches;

    /// <summary>A timestamp for <see cref="Add"/>.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> (from <see cref="Now"/>) to a stage; returns the current timestamp.</summary>
    public long Add(LoaderStage stage, long start)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[(int)stage], now - start);
        return now;
    }

    /// <summary>Counts one collated batch.</summary>
    public void BatchBuilt() => Interlocked.Increment(ref _batches);

    public long Batches => Interlocked.Read(ref _batches);
    public TimeSpan Decode => Elapsed(LoaderStage.Decode);
    /// <summary>Loading and augmentation without the decode inside it.</summary>
    public TimeSpan Augment => Elapsed(LoaderStage.LoadAndAugment) - Decode;
    public TimeSpan Collate => Elapsed(LoaderStage.Collate);

    private TimeSpan Elapsed(LoaderStage stage) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));
}
