using GhostYolo.Engine;
using GhostYolo.Tracking;
using GhostYolo.Tracking.Metrics;

namespace GhostYolo.Tasks;

/// <summary>What a <see cref="PredictTask"/> produced.</summary>
/// <param name="SaveDir">The run folder.</param>
/// <param name="Frames">Frames predicted (images count one each).</param>
/// <param name="Detections">Boxes kept by NMS over all frames.</param>
/// <param name="Interrupted">Cancellation stopped the run early; everything written so far is complete and playable.</param>
/// <param name="Elapsed">Wall time from the first frame's request to the last file closed (model loading excluded).</param>
/// <param name="Speed">Mean per-frame milliseconds of preprocessing, inference and postprocessing.</param>
/// <param name="LastBatch">Frames in the last forward pass.</param>
/// <param name="LastShape">Network input (H, W) of the last frame.</param>
/// <param name="Videos">Annotated videos written and their frame counts.</param>
/// <param name="ImagesWritten">Annotated images written.</param>
/// <param name="LabelsWritten">YOLO label files written (<see cref="PredictOptions.SaveTxt"/>).</param>
/// <param name="Track">What tracking produced; null when only detecting.</param>
public sealed record PredictResult(string SaveDir, int Frames, int Detections, bool Interrupted, TimeSpan Elapsed, FrameTimings Speed,
    int LastBatch, (int H, int W) LastShape, IReadOnlyList<(string Path, int Frames)> Videos, int ImagesWritten, int LabelsWritten,
    TrackResult? Track)
{
    /// <summary>Frames per second end to end.</summary>
    public double Fps => Frames / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>What tracking produced: the files, each track's life, the line crossings and, against a ground truth, the metrics.</summary>
/// <param name="MotPath">The MOTChallenge result file (<c>mot.txt</c>).</param>
/// <param name="TracksCsv">One row per track (<c>tracks.csv</c>).</param>
/// <param name="Summaries">Each track's class, first and last frame and frames seen, by ID.</param>
/// <param name="Crossings">IDs crossing the counting line, in order; empty without one.</param>
/// <param name="CountIn">Crossings in the line's "in" direction.</param>
/// <param name="CountOut">Crossings in the other direction.</param>
/// <param name="FrameRate">The source's frame rate, which dwell times are computed with (0 when unknown).</param>
/// <param name="TrackerTime">Time spent inside the tracker.</param>
/// <param name="MetricsJson">The MOT metrics file (<c>metrics.json</c>); null without a ground truth.</param>
public sealed record TrackResult(string MotPath, string TracksCsv, IReadOnlyList<TrackSummary> Summaries, IReadOnlyList<LineCrossing> Crossings,
    int CountIn, int CountOut, double FrameRate, TimeSpan TrackerTime, string? MetricsJson)
{
    /// <summary>MOTA against the ground truth; null without one.</summary>
    public double? Mota => Metrics?.MOTA;
    /// <summary>IDF1 against the ground truth; null without one.</summary>
    public double? Idf1 => Metrics?.IDF1;
    /// <summary>HOTA against the ground truth; null without one.</summary>
    public double? Hota => Metrics?.HOTA;
    /// <summary>Every MOT metric (also in <see cref="MetricsJson"/>).</summary>
    internal MotMetrics? Metrics { get; init; }
}
