using GhostYolo.Engine;
using OpenCvSharp;

namespace GhostYolo.Tracking;

/// <summary>A multi-object tracker: fed one frame's detections at a time, in order, it returns the tracked boxes with IDs.</summary>
internal interface ITracker
{
    /// <summary>Associates <paramref name="detections"/> (original pixels) with the tracks; returns the confirmed tracks
    /// of this frame (box, score, class and <see cref="Detection.TrackId"/>). <paramref name="frame"/> (BGR) is used for
    /// camera-motion compensation where the tracker has it.</summary>
    IReadOnlyList<Detection> Update(IReadOnlyList<Detection> detections, Mat? frame = null);

    /// <summary>Forgets every track and restarts IDs at 1 (a new video).</summary>
    void Reset();
}

/// <summary>Creates the tracker an options record names.</summary>
internal static class Trackers
{
    public static ITracker Create(TrackerOptions options, double frameRate = 30) => options.TrackerType switch
    {
        TrackerType.Iou => new IouTracker(options),
        _ => new ByteTracker(options, frameRate),
    };
}
