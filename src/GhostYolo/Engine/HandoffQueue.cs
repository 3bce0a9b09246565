using System.Runtime.ExceptionServices;

namespace GhostYolo.Engine;

/// <summary>
/// A bounded first-in first-out queue between two dedicated threads (the predict pipeline's decode → inference →
/// encode hand-offs) whose waits block on the kernel at once and wake the waiting thread directly.
/// </summary>
/// <remarks>
/// The pipeline used <c>System.Threading.Channels</c> with synchronous waits (<c>WaitToReadAsync().AsTask().GetResult()</c>):
/// each hand-off then went through a thread-pool thread that completes the waiting task, and the waiting threads and pool
/// workers spun before they slept. In the int8 detect pipeline on two cores (YOLOv8n at 640, 600 frames,
/// tools/int8/pipeline_threads.cs) the pool took 0.8–1.1 ms of CPU per frame and the inference thread with ONNX Runtime's
/// worker 30–33 ms; with this queue the pool does nothing and the two take 25–26 ms, as close to the forward pass alone
/// (23–25 ms) as the helpers beside them allow. <c>Monitor.Wait</c> blocks at once and <c>PulseAll</c> wakes the waiter directly.
/// </remarks>
internal sealed class HandoffQueue<T>(int capacity)
{
    private readonly Queue<T> _items = new(capacity);
    private readonly int _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be positive");
    private bool _completed;
    private ExceptionDispatchInfo? _error;

    /// <summary>Items waiting.</summary>
    public int Count { get { lock (_items) return _items.Count; } }

    /// <summary>Adds <paramref name="item"/>, waiting while the queue is full; false (item not added) once the queue is complete.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while waiting (item not added).</exception>
    public bool Add(T item, CancellationToken ct = default)
    {
        using var wake = Register(ct);
        lock (_items)
        {
            while (!_completed && _items.Count >= _capacity)
            {
                ct.ThrowIfCancellationRequested();
                Monitor.Wait(_items);
            }
            if (_completed) return false;
            _items.Enqueue(item);
            Monitor.PulseAll(_items);
            return true;
        }
    }

    /// <summary>
    /// Takes the oldest item, waiting while the queue is empty; false when it is complete and drained. A queue completed
    /// with an error throws that error (its original type and stack) once drained.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while waiting.</exception>
    public bool TryTake(out T item, CancellationToken ct = default)
    {
        using var wake = Register(ct);
        lock (_items)
        {
            while (_items.Count == 0)
            {
                if (_completed)
                {
                    _error?.Throw();
                    item = default!;
                    return false;
                }
                ct.ThrowIfCancellationRequested();
                Monitor.Wait(_items);
            }
            item = _items.Dequeue();
            Monitor.PulseAll(_items);
            return true;
        }
    }

    /// <summary>Takes the oldest item without waiting (for draining after a stop).</summary>
    public bool TryTakeNow(out T item)
    {
        lock (_items)
        {
            bool any = _items.TryDequeue(out item!);
            if (any) Monitor.PulseAll(_items);
            return any;
        }
    }

    /// <summary>No more items will be added; takers drain what is queued, then see the end (or <paramref name="error"/>). The first call wins.</summary>
    public void Complete(Exception? error = null)
    {
        lock (_items)
        {
            if (_completed) return;
            _completed = true;
            _error = error is null ? null : ExceptionDispatchInfo.Capture(error);
            Monitor.PulseAll(_items);
        }
    }

    /// <summary>Wakes this queue's waiters when <paramref name="ct"/> is cancelled, so they can throw.</summary>
    private CancellationTokenRegistration Register(CancellationToken ct) =>
        ct.CanBeCanceled ? ct.UnsafeRegister(static q => { var self = (HandoffQueue<T>)q!; lock (self._items) Monitor.PulseAll(self._items); }, this) : default;
}
