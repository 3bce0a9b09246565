using GhostYolo.Engine;
using OpenCvSharp;

namespace GhostYolo.Tracking;

/// <summary>
/// ByteTrack (Zhang et al., ECCV 2022) as ultralytics 8.2.103's <c>BYTETracker</c> runs it, and BoT-SORT without
/// re-identification (<c>BOTSORT</c>: an (x, y, w, h) Kalman state and sparse-optical-flow camera-motion compensation).
/// Each frame: predict every track; match high-score detections to tracked and lost tracks by score-fused IoU; match the
/// remaining tracked ones to low-score detections by IoU; confirm or drop last frame's new tracks; start tracks from
/// unmatched confident detections; forget tracks lost longer than the buffer.
/// </summary>
internal sealed class ByteTracker : ITracker
{
    private readonly TrackerOptions _o;
    private readonly int _maxTimeLost;
    private readonly KalmanBoxFilter _filter;
    private readonly GlobalMotion? _gmc;
    private List<Track> _tracked = [], _lost = [], _removed = [];
    private int _frameId, _nextId;

    public ByteTracker(TrackerOptions options, double frameRate = 30)
    {
        _o = options;
        _maxTimeLost = (int)(frameRate / 30.0 * options.TrackBuffer);
        bool botSort = options.TrackerType == TrackerType.BotSort;
        _filter = new KalmanBoxFilter(botSort ? BoxMeasurement.Xywh : BoxMeasurement.Xyah);
        if (botSort && options.WithReid)
            throw new NotSupportedException("BoT-SORT with re-identification (with_reid: True) needs an appearance model, which GhostYolo does not have; set with_reid: False");
        if (botSort) _gmc = GlobalMotion.Create(options.GmcMethod);
    }

    public void Reset()
    {
        _tracked = []; _lost = []; _removed = [];
        _frameId = 0;
        _nextId = 0;
        _gmc?.Reset();
    }

    public IReadOnlyList<Detection> Update(IReadOnlyList<Detection> detections, Mat? frame = null)
    {
        _frameId++;
        var activated = new List<Track>();
        var refound = new List<Track>();
        var lost = new List<Track>();
        var removed = new List<Track>();

        var high = new List<Track>();
        var second = new List<Track>();
        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (d.Score >= _o.TrackHighThresh) high.Add(new Track(d, i));
            else if (d.Score > _o.TrackLowThresh) second.Add(new Track(d, i));
        }

        var unconfirmed = _tracked.Where(t => !t.IsActivated).ToList();
        var pool = Joint(_tracked.Where(t => t.IsActivated).ToList(), _lost);
        foreach (var t in pool) t.Predict();
        if (_gmc is not null && frame is not null)
        {
            var warp = _gmc.Apply(frame);
            Warp(pool, warp);
            Warp(unconfirmed, warp);
        }

        // First association: high-score detections against every tracked or lost track.
        var (matches, unmatchedTracks, unmatchedDetections) = LinearAssignment.Solve(Cost(pool, high), _o.MatchThresh);
        foreach (var (ti, di) in matches) Take(pool[ti], high[di], activated, refound);

        // Second association: low-score detections against the tracks still tracked, by plain IoU.
        var remaining = unmatchedTracks.Select(i => pool[i]).Where(t => t.State == TrackState.Tracked).ToList();
        var (matches2, unmatchedTracks2, _) = LinearAssignment.Solve(BoxIou.Distance(remaining, second), 0.5);
        foreach (var (ti, di) in matches2) Take(remaining[ti], second[di], activated, refound);
        foreach (var i in unmatchedTracks2)
        {
            var t = remaining[i];
            if (t.State != TrackState.Lost)
            {
                t.MarkLost();
                lost.Add(t);
            }
        }

        // Last frame's new tracks: confirmed by a match now, removed otherwise.
        var leftover = unmatchedDetections.Select(i => high[i]).ToList();
        var (matches3, unmatchedNew, unmatchedDetections3) = LinearAssignment.Solve(Cost(unconfirmed, leftover), 0.7);
        foreach (var (ti, di) in matches3)
        {
            unconfirmed[ti].Update(leftover[di], _frameId);
            activated.Add(unconfirmed[ti]);
        }
        foreach (var i in unmatchedNew)
        {
            unconfirmed[i].MarkRemoved();
            removed.Add(unconfirmed[i]);
        }

        // New tracks from confident detections nobody claimed.
        foreach (var i in unmatchedDetections3)
        {
            var t = leftover[i];
            if (t.Score < _o.NewTrackThresh) continue;
            t.Activate(_filter, _frameId, ++_nextId);
            activated.Add(t);
        }
        foreach (var t in _lost)
            if (_frameId - t.FrameId > _maxTimeLost)
            {
                t.MarkRemoved();
                removed.Add(t);
            }

        _tracked = Joint(Joint(_tracked.Where(t => t.State == TrackState.Tracked).ToList(), activated), refound);
        _lost = Sub(_lost, _tracked);
        _lost.AddRange(lost);
        _lost = Sub(_lost, _removed);
        (_tracked, _lost) = RemoveDuplicates(_tracked, _lost);
        _removed.AddRange(removed);
        if (_removed.Count > 1000) _removed = _removed[^999..];
        return _tracked.Where(t => t.IsActivated).Select(t => t.ToDetection()).ToList();
    }

    private void Take(Track track, Track detection, List<Track> activated, List<Track> refound)
    {
        if (track.State == TrackState.Tracked)
        {
            track.Update(detection, _frameId);
            activated.Add(track);
        }
        else
        {
            track.ReActivate(detection, _frameId);
            refound.Add(track);
        }
    }

    /// <summary>1 − IoU, optionally fused with the detection score: 1 − IoU · score.</summary>
    private double[,] Cost(IReadOnlyList<Track> tracks, IReadOnlyList<Track> detections)
    {
        var cost = BoxIou.Distance(tracks, detections);
        if (_o.FuseScore)
            for (int i = 0; i < tracks.Count; i++)
                for (int j = 0; j < detections.Count; j++)
                    cost[i, j] = 1 - (1 - cost[i, j]) * detections[j].Score;
        return cost;
    }

    /// <summary>Moves track states by the camera's affine motion: the 2×2 part rotates/scales each (x, y)-like pair of the
    /// state (R₈ = I₄ ⊗ R), the translation moves the centre; the covariance becomes R₈ P R₈ᵀ.</summary>
    private static void Warp(List<Track> tracks, double[,] h)
    {
        foreach (var t in tracks)
        {
            var m = t.Mean!;
            var mean = new double[8];
            for (int k = 0; k < 4; k++)
            {
                mean[2 * k] = h[0, 0] * m[2 * k] + h[0, 1] * m[2 * k + 1];
                mean[2 * k + 1] = h[1, 0] * m[2 * k] + h[1, 1] * m[2 * k + 1];
            }
            mean[0] += h[0, 2];
            mean[1] += h[1, 2];
            var p = t.Covariance!;
            var rp = new double[8, 8];
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                    rp[i, j] = h[i % 2, 0] * p[i - i % 2, j] + h[i % 2, 1] * p[i - i % 2 + 1, j];
            var cov = new double[8, 8];
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                    cov[i, j] = rp[i, j - j % 2] * h[j % 2, 0] + rp[i, j - j % 2 + 1] * h[j % 2, 1];
            t.Mean = mean;
            t.Covariance = cov;
        }
    }

    /// <summary>Union by ID, first list first.</summary>
    private static List<Track> Joint(List<Track> a, List<Track> b)
    {
        var ids = a.Select(t => t.Id).ToHashSet();
        return [.. a, .. b.Where(t => ids.Add(t.Id))];
    }

    private static List<Track> Sub(List<Track> a, List<Track> b)
    {
        var ids = b.Select(t => t.Id).ToHashSet();
        return a.Where(t => !ids.Contains(t.Id)).ToList();
    }

    /// <summary>A tracked and a lost track on the same box (IoU &gt; 0.85): the younger one goes.</summary>
    private static (List<Track>, List<Track>) RemoveDuplicates(List<Track> a, List<Track> b)
    {
        var dist = BoxIou.Distance(a, b);
        var dropA = new HashSet<int>();
        var dropB = new HashSet<int>();
        for (int p = 0; p < a.Count; p++)
            for (int q = 0; q < b.Count; q++)
            {
                if (dist[p, q] >= 0.15) continue;
                if (a[p].FrameId - a[p].StartFrame > b[q].FrameId - b[q].StartFrame) dropB.Add(q);
                else dropA.Add(p);
            }
        return (a.Where((_, i) => !dropA.Contains(i)).ToList(), b.Where((_, i) => !dropB.Contains(i)).ToList());
    }
}
