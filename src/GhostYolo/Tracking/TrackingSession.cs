using System.Globalization;
using GhostYolo.Engine;
using OpenCvSharp;

namespace GhostYolo.Tracking;

/// <summary>What to do besides tracking: trails to draw, a line to count crossings of.</summary>
public sealed record TrackOptions
{
    /// <summary>The tracker and its settings.</summary>
    public TrackerOptions Tracker { get; init; } = TrackerOptions.ByteTrack;
    /// <summary>Draw each track's last N centres (0: no trails).</summary>
    public int Trails { get; init; }
    /// <summary>Count IDs crossing this segment (original pixels); null: no counting.</summary>
    public (Point A, Point B)? CountLine { get; init; }
}

/// <summary>One track's life: its class (most frequent), the first and last frame it was seen in, and how often.</summary>
/// <param name="TrackId">The track's ID.</param>
/// <param name="Class">Its most frequent class.</param>
/// <param name="FirstFrame">First frame it was seen in (from 1).</param>
/// <param name="LastFrame">Last frame it was seen in.</param>
/// <param name="Frames">Frames it was seen in.</param>
public sealed record TrackSummary(int TrackId, int Class, int FirstFrame, int LastFrame, int Frames)
{
    /// <summary>Seconds between first and last sighting at <paramref name="fps"/>.</summary>
    public double DwellSeconds(double fps) => fps > 0 ? (LastFrame - FirstFrame + 1) / fps : 0;
}

/// <summary>A track crossing the counting line: <c>In</c> when it passes to the right-hand side of A→B as seen on screen.</summary>
/// <param name="Frame">The frame of the crossing (from 1).</param>
/// <param name="TrackId">The track that crossed.</param>
/// <param name="In">True when it crossed to the right-hand side of A→B.</param>
public sealed record LineCrossing(int Frame, int TrackId, bool In);

/// <summary>
/// Runs a tracker over a predictor's frames, in order (ultralytics' <c>on_predict_postprocess_end</c>): each frame's
/// detections are replaced by the tracked boxes with IDs; a frame without detections does not advance the tracker, as in
/// ultralytics; a new video starts the tracker afresh. It also keeps what the track command reports: MOTChallenge rows,
/// per-track summaries, trails and line crossings.
/// </summary>
/// <param name="mot">Where MOTChallenge rows go as they are made (a long stream keeps no rows in memory);
/// <see cref="TextWriter.Null"/> when they are not wanted.</param>
public sealed class TrackingSession(TrackOptions options, TextWriter mot, double frameRate = 30)
{
    private readonly ITracker _tracker = Trackers.Create(options.Tracker, frameRate);
    private readonly Dictionary<int, TrackLife> _lives = [];
    private readonly List<LineCrossing> _crossings = [];
    private readonly System.Diagnostics.Stopwatch _trackerTime = new();
    private string? _path;

    /// <summary>Time spent inside the tracker itself (association, Kalman, camera-motion compensation).</summary>
    public TimeSpan TrackerTime => _trackerTime.Elapsed;

    /// <summary>Every crossing of <see cref="TrackOptions.CountLine"/> so far, in order.</summary>
    public IReadOnlyList<LineCrossing> Crossings => _crossings;
    /// <summary>Crossings to the right-hand side of A→B so far.</summary>
    public int CountIn => _crossings.Count(c => c.In);
    /// <summary>Crossings to the left-hand side of A→B so far.</summary>
    public int CountOut => _crossings.Count(c => !c.In);

    /// <summary>Every track seen so far, by ID.</summary>
    public IReadOnlyList<TrackSummary> Summaries => _lives.OrderBy(kv => kv.Key)
        .Select(kv => new TrackSummary(kv.Key, kv.Value.Classes.MaxBy(c => c.Value).Key, kv.Value.First, kv.Value.Last, kv.Value.Frames)).ToList();

    /// <summary>Tracks <paramref name="frames"/> lazily; each result is yielded with its tracked detections.</summary>
    public IEnumerable<FrameResult> Track(IEnumerable<FrameResult> frames)
    {
        foreach (var r in frames)
        {
            Apply(r);
            yield return r;
        }
    }

    /// <summary>Tracks one frame in place.</summary>
    public void Apply(FrameResult r)
    {
        if (r.Path != _path)
        {
            _tracker.Reset();
            _path = r.Path;
            foreach (var life in _lives.Values) life.Centres.Clear();
        }
        _trackerTime.Start();
        r.Detections = r.Detections.Count > 0 ? _tracker.Update(r.Detections, r.Image) : [];
        _trackerTime.Stop();
        int frame = r.FrameIndex + 1;
        foreach (var d in r.Detections)
        {
            int id = d.TrackId!.Value;
            if (!_lives.TryGetValue(id, out var life)) _lives[id] = life = new TrackLife(frame);
            life.Seen(frame, d.Class);
            var centre = new Point((d.X1 + d.X2) / 2, (d.Y1 + d.Y2) / 2);
            if (options.CountLine is { } line && life.Centres.Count > 0 && Crosses(life.Centres[^1], centre, line.A, line.B) is { } inward)
                _crossings.Add(new LineCrossing(frame, id, inward));
            life.Centres.Add(centre);
            if (life.Centres.Count > Math.Max(options.Trails, 1)) life.Centres.RemoveAt(0);
            // MOTChallenge result row: frame,id,x,y,w,h,conf,-1,-1,-1 (frames from 1).
            mot.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{frame},{id},{d.X1:F2},{d.Y1:F2},{d.X2 - d.X1:F2},{d.Y2 - d.Y1:F2},{d.Score:F4},-1,-1,-1"));
        }
        if (options.Trails > 0)
            r.Trails = r.Detections.Select(d => (d.TrackId!.Value, (IReadOnlyList<Point>)_lives[d.TrackId!.Value].Centres.ToArray())).ToList();
        if (options.CountLine is { } l) r.CountLine = (l.A, l.B, CountIn, CountOut);
    }

    /// <summary>
    /// Null when the step p→q does not cross segment a–b; else true when it crosses to the right-hand side of a→b as seen on
    /// screen (image y points down, so the side where (b − a) × (p − a) &gt; 0).
    /// </summary>
    internal static bool? Crosses(Point p, Point q, Point a, Point b)
    {
        static long Side(Point a, Point b, Point p) => (long)(b.X - a.X) * (p.Y - a.Y) - (long)(b.Y - a.Y) * (p.X - a.X);
        bool before = Side(a, b, p) > 0, after = Side(a, b, q) > 0;
        if (before == after) return null;
        long s3 = Side(p, q, a), s4 = Side(p, q, b);
        if (s3 > 0 && s4 > 0 || s3 < 0 && s4 < 0) return null;   // the step passes beside the segment
        return after;
    }

    private sealed class TrackLife(int first)
    {
        public int First { get; } = first;
        public int Last { get; private set; } = first;
        public int Frames { get; private set; }
        public Dictionary<int, int> Classes { get; } = [];
        public List<Point> Centres { get; } = [];

        public void Seen(int frame, int cls)
        {
            Last = frame;
            Frames++;
            Classes[cls] = Classes.GetValueOrDefault(cls) + 1;
        }
    }
}
