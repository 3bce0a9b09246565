namespace GhostYolo.Tracking;

/// <summary>Which association a tracker uses.</summary>
public enum TrackerType
{
    /// <summary>ByteTrack (Zhang et al. 2022): two-stage IoU association with high- then low-score detections.</summary>
    ByteTrack,
    /// <summary>BoT-SORT (Aharon et al. 2022) without re-identification: ByteTrack's association with an (x, y, w, h)
    /// Kalman state and camera-motion compensation.</summary>
    BotSort,
    /// <summary>The floor: greedy IoU matching of each frame's detections to the previous frame's boxes, no motion model.</summary>
    Iou,
}

/// <summary>
/// Tracker settings with the names and defaults of ultralytics 8.2.103's <c>cfg/trackers/bytetrack.yaml</c> and
/// <c>botsort.yaml</c> (see <see cref="TrackerConfig"/> for reading those files).
/// </summary>
public sealed record TrackerOptions
{
    /// <summary>The association: ByteTrack, BoT-SORT or plain IoU matching.</summary>
    public TrackerType TrackerType { get; init; } = TrackerType.ByteTrack;
    /// <summary>Detections at or above this score take part in the first association.</summary>
    public double TrackHighThresh { get; init; } = 0.5;
    /// <summary>Detections above this (and below the high threshold) take part in the second association.</summary>
    public double TrackLowThresh { get; init; } = 0.1;
    /// <summary>An unmatched detection starts a new track only at or above this score.</summary>
    public double NewTrackThresh { get; init; } = 0.6;
    /// <summary>Frames a lost track is kept (at 30 fps) before it is removed.</summary>
    public int TrackBuffer { get; init; } = 30;
    /// <summary>Largest association cost (1 − IoU, score-fused) of the first association.</summary>
    public double MatchThresh { get; init; } = 0.8;
    /// <summary>Weight IoU by the detection score before matching.</summary>
    public bool FuseScore { get; init; } = true;
    /// <summary>BoT-SORT camera-motion compensation: sparseOptFlow or none.</summary>
    public string GmcMethod { get; init; } = "sparseOptFlow";
    /// <summary>BoT-SORT re-identification gates (used only with re-identification, which GhostYolo does not have).</summary>
    public double ProximityThresh { get; init; } = 0.5;
    /// <summary>BoT-SORT appearance gate (kept for the YAML files; inert without re-identification).</summary>
    public double AppearanceThresh { get; init; } = 0.25;
    /// <summary>BoT-SORT re-identification; GhostYolo has none, so this must stay false.</summary>
    public bool WithReid { get; init; }

    /// <summary>ultralytics' <c>bytetrack.yaml</c>.</summary>
    public static TrackerOptions ByteTrack { get; } = new();
    /// <summary>ultralytics' <c>botsort.yaml</c>.</summary>
    public static TrackerOptions BotSort { get; } = new() { TrackerType = TrackerType.BotSort };
    /// <summary>Greedy IoU matching (a baseline).</summary>
    public static TrackerOptions Iou { get; } = new() { TrackerType = TrackerType.Iou };
}
