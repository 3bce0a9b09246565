using GhostYolo.Tracking.Metrics;

namespace GhostYolo.Tests.Tracking.Metrics;

/// <summary>
/// Building blocks for hand-worked sequences: 10×10 boxes, so a shift of d pixels along x gives
/// IoU = (10 − d)·10 / (200 − (10 − d)·10) = (10 − d) / (10 + d): d = 2 → 2/3, d = 5 → 1/3.
/// Objects sit on rows 100 px apart so boxes of different rows never overlap.
/// </summary>
static class MotBoxes
{
    public static MotRow Box(int frame, int id, double x, double y = 0, double? conf = null) => new(frame, id, x, y, 10, 10, conf);

    /// <summary>IoU of two 10×10 boxes on the same row, d pixels apart.</summary>
    public static double ShiftIou(double d) => (10 - d) / (10 + d);
}
