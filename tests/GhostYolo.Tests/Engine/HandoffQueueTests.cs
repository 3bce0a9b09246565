using GhostYolo.Engine;

namespace GhostYolo.Tests.Engine;

public class HandoffQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void ItemsComeOutInOrderAcrossThreadsAndTheEndIsSeenAfterTheLast()
    {
        var q = new HandoffQueue<int>(2);
        var producer = new Thread(() => { for (int i = 0; i < 1000; i++) Assert.True(q.Add(i)); q.Complete(); });
        producer.Start();
        var got = new List<int>();
        while (q.TryTake(out int v)) got.Add(v);
        Assert.True(producer.Join(Patience));
        Assert.Equal(Enumerable.Range(0, 1000), got);
        Assert.False(q.TryTake(out _));
    }

    [Fact]
    public void AddWaitsWhileFullAndResumesWhenAnItemIsTaken()
    {
        var q = new HandoffQueue<int>(1);
        Assert.True(q.Add(1));
        var added = new ManualResetEventSlim();
        var producer = new Thread(() => { q.Add(2); added.Set(); });
        producer.Start();
        Assert.False(added.Wait(200), "Add returned while the queue was full");
        Assert.True(q.TryTake(out int first));
        Assert.Equal(1, first);
        Assert.True(added.Wait(Patience));
        Assert.True(q.TryTakeNow(out int second));
        Assert.Equal(2, second);
    }

    [Fact]
    public void AnErrorSurfacesWithItsOwnTypeOnlyAfterTheQueuedItems()
    {
        var q = new HandoffQueue<string>(4);
        q.Add("a");
        q.Complete(new InvalidDataException("video.mp4: corrupt"));
        q.Complete();   // the first completion wins
        Assert.False(q.Add("b"));
        Assert.True(q.TryTake(out var a));
        Assert.Equal("a", a);
        var e = Assert.Throws<InvalidDataException>(() => q.TryTake(out _));
        Assert.Equal("video.mp4: corrupt", e.Message);
    }

    [Fact]
    public void CancellationWakesAWaitingTakerAndAWaitingAdder()
    {
        var empty = new HandoffQueue<int>(1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.Throws<OperationCanceledException>(() => empty.TryTake(out _, cts.Token));

        var full = new HandoffQueue<int>(1);
        full.Add(1);
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.Throws<OperationCanceledException>(() => full.Add(2, cts2.Token));
        Assert.Equal(1, full.Count);
    }

    [Fact]
    public void CapacityMustBePositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HandoffQueue<int>(0));
}
