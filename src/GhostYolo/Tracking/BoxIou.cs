namespace GhostYolo.Tracking;

/// <summary>IoU of xyxy boxes as ultralytics' trackers compute it (<c>bbox_ioa(iou=True)</c>: eps 1e-7 in the union).</summary>
internal static class BoxIou
{
    public static double Iou((double X1, double Y1, double X2, double Y2) a, (double X1, double Y1, double X2, double Y2) b)
    {
        double iw = Math.Max(0, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
        double ih = Math.Max(0, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
        double inter = iw * ih;
        double union = (a.X2 - a.X1) * (a.Y2 - a.Y1) + (b.X2 - b.X1) * (b.Y2 - b.Y1) - inter + 1e-7;
        return inter / union;
    }

    /// <summary>1 − IoU for every (track, detection) pair: the association cost.</summary>
    public static double[,] Distance(IReadOnlyList<Track> tracks, IReadOnlyList<Track> detections)
    {
        var cost = new double[tracks.Count, detections.Count];
        for (int i = 0; i < tracks.Count; i++)
        {
            var a = tracks[i].Xyxy;
            for (int j = 0; j < detections.Count; j++) cost[i, j] = 1 - Iou(a, detections[j].Xyxy);
        }
        return cost;
    }
}
