using GhostYolo.Engine;
using OpenCvSharp;

namespace GhostYolo.Tracking;

/// <summary>
/// The floor the real trackers are measured against: each confident detection (score ≥ <c>track_high_thresh</c>) takes
/// the ID of the previous frame's box it overlaps most (greedy, best IoU first, IoU ≥ 0.3), else a new ID. No motion
/// model and no memory beyond one frame, so every miss or occlusion breaks the identity.
/// </summary>
internal sealed class IouTracker(TrackerOptions options) : ITracker
{
    private const double MinIou = 0.3;
    private List<Detection> _previous = [];
    private int _nextId;

    public void Reset()
    {
        _previous = [];
        _nextId = 0;
    }

    public IReadOnlyList<Detection> Update(IReadOnlyList<Detection> detections, Mat? frame = null)
    {
        var current = detections.Where(d => d.Score >= options.TrackHighThresh).ToList();
        var pairs = new List<(double Iou, int Prev, int Cur)>();
        for (int p = 0; p < _previous.Count; p++)
            for (int c = 0; c < current.Count; c++)
            {
                double iou = BoxIou.Iou(Box(_previous[p]), Box(current[c]));
                if (iou >= MinIou) pairs.Add((iou, p, c));
            }
        var ids = new int?[current.Count];
        var usedPrev = new HashSet<int>();
        foreach (var (_, p, c) in pairs.OrderByDescending(x => x.Iou))
        {
            if (ids[c] is not null || !usedPrev.Add(p)) continue;
            ids[c] = _previous[p].TrackId;
        }
        _previous = current.Select((d, i) => d with { TrackId = ids[i] ?? ++_nextId }).ToList();
        return _previous;
    }

    private static (double, double, double, double) Box(Detection d) => (d.X1, d.Y1, d.X2, d.Y2);
}
