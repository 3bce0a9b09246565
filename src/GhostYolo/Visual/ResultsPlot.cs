using OpenCvSharp;

namespace GhostYolo.Visual;

/// <summary><c>results.png</c>: one small chart per results.csv column (losses, metrics), as ultralytics plots them.</summary>
internal static class ResultsPlot
{
    /// <param name="columns">results.csv as columns by header name (<c>ResultsCsv.Read</c>), with an <c>epoch</c> column.</param>
    public static void Save(string path, IReadOnlyDictionary<string, List<double>> columns)
    {
        var epochs = columns["epoch"].ToArray();
        var keys = columns.Keys.Where(k => k != "epoch" && !k.StartsWith("lr/")).ToList();
        const int w = 400, h = 300, perRow = 5;
        int rows = (keys.Count + perRow - 1) / perRow;
        using var canvas = new Mat(rows * h, perRow * w, MatType.CV_8UC3, Scalar.All(255));
        for (int i = 0; i < keys.Count; i++)
        {
            var plot = new ScottPlot.Plot();
            var ys = columns[keys[i]].ToArray();
            var line = plot.Add.Scatter(epochs, ys);
            line.LegendText = "results";
            plot.Title(keys[i], 11);
            if (epochs.Length >= 3) plot.Add.Scatter(epochs, Smooth(ys)).LinePattern = ScottPlot.LinePattern.Dotted;
            var png = plot.GetImageBytes(w, h, ScottPlot.ImageFormat.Png);
            using var tile = Cv2.ImDecode(png, ImreadModes.Color);
            using var roi = new Mat(canvas, new Rect(i % perRow * w, i / perRow * h, w, h));
            tile.CopyTo(roi);
        }
        Cv2.ImWrite(path, canvas);
    }

    private static double[] Smooth(double[] y)
    {
        int k = Math.Max(1, y.Length / 10);
        return y.Select((_, i) => y.Skip(Math.Max(0, i - k)).Take(2 * k + 1).Average()).ToArray();
    }
}
