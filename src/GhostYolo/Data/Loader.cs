using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace GhostYolo.Data;

/// <summary>Loader options. Workers 0 = decode on the calling thread.</summary>
internal sealed record LoaderOptions
{
    public int BatchSize { get; init; } = 16;
    public int Workers { get; init; } = 2;
    /// <summary>Shuffle per epoch from (seed, epoch); ignored for rect datasets (their batches are fixed).</summary>
    public bool Shuffle { get; init; } = true;
    public long Seed { get; init; }
    /// <summary>Batches each worker may have ready ahead of the consumer.</summary>
    public int Prefetch { get; init; } = 2;
}

/// <summary>
/// Parallel batch loader (ultralytics <c>InfiniteDataLoader</c> + <c>collate_fn</c>). Batch b is built by worker
/// b mod N, each worker filling a bounded queue, and batches are yielded in order. Every sample's randomness comes
/// from (seed, epoch, index) and the Mosaic buffer from the epoch orders, so output is identical for any worker count.
/// An image that fails to load mid-epoch (deleted, unreadable) is skipped with a warning and counted, never a crash.
/// </summary>
internal sealed class Loader(YoloDataset dataset, LoaderOptions options, ILogger? logger = null) : IDisposable
{
    private int _skipped;

    /// <summary>True when this loader created <see cref="Dataset"/> (see <see cref="Loaders"/>) and disposes it.</summary>
    internal bool OwnsDataset { get; init; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (OwnsDataset) Dataset.Dispose();
    }

    /// <summary>Samples skipped because their image could not be loaded (since construction).</summary>
    public int SkippedSamples => Volatile.Read(ref _skipped);

    public YoloDataset Dataset { get; } = dataset;
    public LoaderOptions Options { get; } = options.BatchSize > 0 ? options : throw new ArgumentException("BatchSize must be positive", nameof(options));

    /// <summary>Batches per epoch (last batch may be smaller).</summary>
    public int BatchCount => (Dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The sample order of an epoch: a (seed, epoch) shuffle, or dataset order.</summary>
    public int[] EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Options.Shuffle && !Dataset.Options.Rect) new Random(SampleSeeds.Derive(Options.Seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>Yields the batches of one epoch; dispose each batch after use. Cancelling stops the workers.</summary>
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken ct = default)
    {
        if (Dataset.Options.Rect && Options.BatchSize != Dataset.Options.BatchSize)
            throw new InvalidOperationException($"rect dataset was built for batch {Dataset.Options.BatchSize}, loader uses {Options.BatchSize}");
        var order = new EpochSequence(this, epoch);
        int nb = BatchCount;
        if (Options.Workers <= 0)
        {
            for (int b = 0; b < nb; b++)
            {
                ct.ThrowIfCancellationRequested();
                if (BuildBatch(order, b) is { } one) yield return one;
            }
            yield break;
        }

        int nw = Math.Min(Options.Workers, nb);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queues = new BlockingCollection<Batch?>[nw];
        var errors = new Exception?[nw];
        var threads = new Thread[nw];
        for (int w = 0; w < nw; w++)
        {
            queues[w] = new BlockingCollection<Batch?>(Math.Max(1, Options.Prefetch));
            int wi = w;
            threads[w] = new Thread(() =>
            {
                try
                {
                    for (int b = wi; b < nb && !cts.IsCancellationRequested; b += nw)
                    {
                        var batch = BuildBatch(order, b);
                        try { queues[wi].Add(batch, cts.Token); }
                        catch (OperationCanceledException) { batch?.Dispose(); break; }
                    }
                }
                catch (Exception e) { errors[wi] = e; }
                finally { queues[wi].CompleteAdding(); }
            }) { IsBackground = true, Name = $"ghostyolo-loader-{w}" };
            threads[w].Start();
        }
        try
        {
            for (int b = 0; b < nb; b++)
            {
                int w = b % nw;
                if (!queues[w].TryTake(out var batch, Timeout.Infinite, ct))
                    throw new InvalidOperationException($"loader worker {w} failed: {errors[w]?.Message}", errors[w]);
                if (batch is not null) yield return batch;
            }
        }
        finally
        {
            cts.Cancel();
            foreach (var t in threads) t.Join();
            foreach (var q in queues)
            {
                while (q.TryTake(out var left)) left?.Dispose();
                q.Dispose();
            }
        }
    }

    /// <summary>
    /// An epoch's sample order preceded by the tail of the previous epoch's: ultralytics' Mosaic buffer is one list that
    /// lives across epochs, so the first images of an epoch draw partners from the end of the last one, not only from
    /// themselves. Derived from (seed, epoch) alone, so any worker can build any batch.
    /// </summary>
    private sealed class EpochSequence
    {
        public EpochSequence(Loader loader, int epoch)
        {
            Epoch = epoch;
            Order = loader.EpochOrder(epoch);
            int tail = epoch > 0 ? Math.Min(Math.Max(0, loader.Dataset.BufferLength - 2), Order.Length) : 0;
            History = tail > 0 ? [.. loader.EpochOrder(epoch - 1)[^tail..], .. Order] : Order;
        }

        public int Epoch { get; }
        public int[] Order { get; }
        /// <summary>The previous epoch's tail, then <see cref="Order"/>.</summary>
        public int[] History { get; }

        /// <summary>The up to <paramref name="keep"/> indices loaded last before position <paramref name="p"/>, and its own.</summary>
        public ArraySegment<int> Buffer(int p, int keep)
        {
            int at = p + History.Length - Order.Length, from = Math.Max(0, at - keep + 1);
            return new ArraySegment<int>(History, from, at - from + 1);
        }
    }

    /// <summary>The dataset indices the Mosaic of sample <paramref name="position"/> of <paramref name="epoch"/> draws its
    /// partners from (the last one is the sample itself).</summary>
    public IReadOnlyList<int> MosaicBuffer(int epoch, int position) => new EpochSequence(this, epoch).Buffer(position, MosaicKeep);

    private int MosaicKeep => Math.Max(1, Dataset.BufferLength - 1);

    /// <summary>Builds and collates batch <paramref name="b"/> of an epoch; null when no sample could be loaded.</summary>
    private Batch? BuildBatch(EpochSequence sequence, int b)
    {
        var order = sequence.Order;
        int start = b * Options.BatchSize, end = Math.Min(order.Length, start + Options.BatchSize);
        var samples = new List<FormattedSample>(end - start);
        for (int p = start; p < end; p++)
        {
            try
            {
                samples.Add(Dataset.GetItem(order[p], sequence.Epoch, Options.Seed, sequence.Buffer(p, MosaicKeep)));
            }
            catch (DatasetException e)
            {
                Interlocked.Increment(ref _skipped);
                logger?.LogWarning("skipping sample: {Message}", e.Message);
            }
        }
        if (samples.Count == 0) return null;
        if (Dataset.Clock is not { } clock) return Collate(samples);
        long collateStart = LoaderClock.Now();
        var batch = Collate(samples);
        clock.Add(LoaderStage.Collate, collateStart);
        clock.BatchBuilt();
        return batch;
    }

    /// <summary>Stacks images to uint8 (B,3,H,W) and labels to float32 (N,6) [batch_index, class, cx, cy, w, h].</summary>
    public static Batch Collate(IReadOnlyList<FormattedSample> samples)
    {
        int h = samples[0].Height, w = samples[0].Width, plane = 3 * h * w;
        var pixels = new byte[samples.Count * plane];
        int n = samples.Sum(s => s.Labels.Length / 5);
        var targets = new float[n * 6];
        int row = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (s.Height != h || s.Width != w)
                throw new InvalidOperationException($"cannot collate {s.Info.Path} ({s.Height}x{s.Width}) with {h}x{w} images");
            Buffer.BlockCopy(s.Chw, 0, pixels, i * plane, plane);
            for (int k = 0; k < s.Labels.Length / 5; k++, row++)
            {
                targets[row * 6] = i;
                Array.Copy(s.Labels, k * 5, targets, row * 6 + 1, 5);
            }
        }
        var images = tensor(pixels, [samples.Count, 3, h, w], ScalarType.Byte);   // (B, 3, H, W)
        var t = tensor(targets, [n, 6], ScalarType.Float32);                     // (N, 6)
        return new Batch(images, t, [.. samples.Select(s => s.Info)]);
    }
}
