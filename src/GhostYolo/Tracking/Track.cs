using GhostYolo.Engine;

namespace GhostYolo.Tracking;

/// <summary>Where a track is in its life (ultralytics <c>TrackState</c>).</summary>
internal enum TrackState { New, Tracked, Lost, Removed }

/// <summary>
/// One tracklet (ultralytics <c>STrack</c> / <c>BOTrack</c>): a Kalman state for its box, its ID, the class and score of
/// the detection it last matched, and the frames it was first and last seen in.
/// </summary>
internal sealed class Track
{
    private readonly (double X, double Y, double W, double H) _initial;   // top-left xywh of the creating detection
    private KalmanBoxFilter? _filter;

    public Track(Detection d, int detectionIndex)
    {
        _initial = (d.X1, d.Y1, d.X2 - d.X1, d.Y2 - d.Y1);
        Score = d.Score;
        Class = d.Class;
        DetectionIndex = detectionIndex;
    }

    public int Id { get; private set; }
    public TrackState State { get; private set; } = TrackState.New;
    public bool IsActivated { get; private set; }
    public float Score { get; private set; }
    public int Class { get; private set; }
    /// <summary>Index of the detection this track last matched in its frame's list.</summary>
    public int DetectionIndex { get; private set; }
    public int FrameId { get; private set; }
    public int StartFrame { get; private set; }
    public double[]? Mean { get; set; }
    public double[,]? Covariance { get; set; }

    /// <summary>Top-left (x, y, w, h): the filtered box once the track is running, the detection's before.</summary>
    public (double X, double Y, double W, double H) Tlwh => Mean is null || _filter is null ? _initial : _filter.Box(Mean);

    public (double X1, double Y1, double X2, double Y2) Xyxy
    {
        get
        {
            var (x, y, w, h) = Tlwh;
            return (x, y, x + w, y + h);
        }
    }

    /// <summary>One step ahead; a track that is not currently tracked does not keep growing or shrinking.</summary>
    public void Predict()
    {
        var mean = (double[])Mean!.Clone();
        if (State != TrackState.Tracked)
        {
            mean[7] = 0;
            if (_filter!.Measurement == BoxMeasurement.Xywh) mean[6] = 0;
        }
        (Mean, Covariance) = _filter!.Predict(mean, Covariance!);
    }

    /// <summary>Starts the track with a new ID; only tracks born in the first frame are confirmed at once.</summary>
    public void Activate(KalmanBoxFilter filter, int frameId, int id)
    {
        _filter = filter;
        Id = id;
        (Mean, Covariance) = filter.Initiate(filter.Measure(_initial.X, _initial.Y, _initial.W, _initial.H));
        State = TrackState.Tracked;
        IsActivated = frameId == 1;
        FrameId = StartFrame = frameId;
    }

    /// <summary>A lost track found again.</summary>
    public void ReActivate(Track detection, int frameId)
    {
        Correct(detection);
        FrameId = frameId;
    }

    /// <summary>A tracked track matched again.</summary>
    public void Update(Track detection, int frameId)
    {
        FrameId = frameId;
        Correct(detection);
    }

    private void Correct(Track detection)
    {
        var (x, y, w, h) = detection._initial;
        (Mean, Covariance) = _filter!.Update(Mean!, Covariance!, _filter.Measure(x, y, w, h));
        State = TrackState.Tracked;
        IsActivated = true;
        Score = detection.Score;
        Class = detection.Class;
        DetectionIndex = detection.DetectionIndex;
    }

    public void MarkLost() => State = TrackState.Lost;
    public void MarkRemoved() => State = TrackState.Removed;

    /// <summary>The track as an output detection: its filtered box, last score and class, and its ID.</summary>
    public Detection ToDetection()
    {
        var (x1, y1, x2, y2) = Xyxy;
        return new Detection((float)x1, (float)y1, (float)x2, (float)y2, Score, Class) { TrackId = Id };
    }
}
