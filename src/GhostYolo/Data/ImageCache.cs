using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>
/// Bounded, thread-safe FIFO cache of resized images (ultralytics keeps buffer images in RAM for Mosaic).
/// Entries are immutable; readers receive clones, so evicting (and disposing) an entry never races a reader.
/// </summary>
internal sealed class ImageCache(int capacity) : IDisposable
{
    private readonly Dictionary<int, (Mat Image, (int H, int W) Original)> _items = [];
    private readonly Queue<int> _order = new();
    private readonly Lock _lock = new();

    public (Mat Image, (int H, int W) Original) GetOrLoad(int index, Func<(Mat, (int, int))> load)
    {
        lock (_lock)
        {
            if (_items.TryGetValue(index, out var hit)) return (hit.Image.Clone(), hit.Original);
        }
        var (img, orig) = load();
        if (capacity <= 0) return (img, orig);
        lock (_lock)
        {
            if (!_items.ContainsKey(index))
            {
                _items[index] = (img.Clone(), orig);
                _order.Enqueue(index);
                while (_order.Count > capacity && _items.Remove(_order.Dequeue(), out var old)) old.Image.Dispose();
            }
        }
        return (img, orig);
    }

    public int Count { get { lock (_lock) return _items.Count; } }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var v in _items.Values) v.Image.Dispose();
            _items.Clear();
            _order.Clear();
        }
    }
}
