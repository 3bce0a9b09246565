using OpenCvSharp;

namespace GhostYolo.Tracking;

/// <summary>
/// Camera-motion compensation for BoT-SORT (ultralytics <c>GMC</c>, method <c>sparseOptFlow</c>): corners tracked by
/// pyramidal Lucas–Kanade optical flow between consecutive half-size grey frames, and a RANSAC partial-affine fit of
/// their motion. Returns the 2×3 warp from the previous frame to this one (identity when it cannot be estimated).
/// </summary>
internal sealed class GlobalMotion
{
    private const int Downscale = 2;
    private Mat? _previous;
    private Point2f[]? _previousCorners;

    public static GlobalMotion? Create(string method) => method switch
    {
        "sparseOptFlow" => new GlobalMotion(),
        "none" or "None" or "" => null,
        _ => throw new ArgumentException($"gmc_method '{method}' is not supported; use sparseOptFlow or none"),
    };

    public void Reset()
    {
        _previous?.Dispose();
        _previous = null;
        _previousCorners = null;
    }

    public double[,] Apply(Mat bgr)
    {
        var identity = new double[,] { { 1, 0, 0 }, { 0, 1, 0 } };
        var frame = new Mat();
        using (var grey = new Mat())
        {
            Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
            Cv2.Resize(grey, frame, new Size(bgr.Cols / Downscale, bgr.Rows / Downscale));
        }
        var corners = Cv2.GoodFeaturesToTrack(frame, 1000, 0.01, 1, null!, 3, false, 0.04);
        if (_previous is null || _previousCorners is null || _previousCorners.Length == 0)
        {
            Replace(frame, corners);
            return identity;
        }
        var next = new Point2f[_previousCorners.Length];
        Cv2.CalcOpticalFlowPyrLK(_previous, frame, _previousCorners, ref next, out var status, out _);
        var from = new List<Point2f>();
        var to = new List<Point2f>();
        for (int i = 0; i < status.Length; i++)
            if (status[i] != 0) { from.Add(_previousCorners[i]); to.Add(next[i]); }
        var warp = identity;
        if (from.Count > 4)
        {
            using var a = InputArray.Create(from);
            using var b = InputArray.Create(to);
            using var h = Cv2.EstimateAffinePartial2D(a, b, null, RobustEstimationAlgorithms.RANSAC);
            if (h is not null && !h.Empty() && h.Rows == 2 && h.Cols == 3)
                warp = new double[,]
                {
                    { h.At<double>(0, 0), h.At<double>(0, 1), h.At<double>(0, 2) * Downscale },
                    { h.At<double>(1, 0), h.At<double>(1, 1), h.At<double>(1, 2) * Downscale },
                };
        }
        Replace(frame, corners);
        return warp;
    }

    private void Replace(Mat frame, Point2f[] corners)
    {
        _previous?.Dispose();
        _previous = frame;
        _previousCorners = corners;
    }
}
