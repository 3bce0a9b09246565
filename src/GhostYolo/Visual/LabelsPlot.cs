using System.Globalization;
using GhostYolo.Data;
using OpenCvSharp;

namespace GhostYolo.Visual;

/// <summary>
/// The <c>labels.jpg</c> overview (ultralytics <c>plot_labels</c>): instances per class, up to 1000 box outlines centred,
/// box centres (x, y) and box sizes (w, h), drawn with OpenCV in a 2×2 grid.
/// </summary>
internal static class LabelsPlot
{
    private const int Panel = 400, Margin = 40;

    /// <summary>Renders and writes the plot to <paramref name="path"/> (JPEG/PNG by extension).</summary>
    public static void Save(string path, IEnumerable<NormBox> boxes, IReadOnlyList<string> names)
    {
        using var img = Render(boxes, names);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Cv2.ImWrite(path, img);
    }

    /// <summary>Renders the 800×800 plot (BGR).</summary>
    public static Mat Render(IEnumerable<NormBox> boxes, IReadOnlyList<string> names)
    {
        var all = boxes.ToList();
        var img = new Mat(2 * Panel, 2 * Panel, MatType.CV_8UC3, Scalar.All(255));
        Instances(img, all, names);
        Outlines(img, all);
        Scatter(img, new Rect(0, Panel, Panel, Panel), all.Select(b => (b.Cx, b.Cy)), "x", "y");
        Scatter(img, new Rect(Panel, Panel, Panel, Panel), all.Select(b => (b.W, b.H)), "width", "height");
        return img;
    }

    private static Rect Plot(Rect panel) => new(panel.X + Margin, panel.Y + Margin / 2, panel.Width - Margin - 10, panel.Height - Margin - Margin / 2);

    private static void Text(Mat img, string s, int x, int y, double scale = 0.4)
    {
        if (s.Length > 0) Cv2.PutText(img, s, new Point(x, y), HersheyFonts.HersheySimplex, scale, Scalar.All(40), 1, LineTypes.AntiAlias);
    }

    private static void Axes(Mat img, Rect r, string xLabel, string yLabel)
    {
        Cv2.Rectangle(img, r, Scalar.All(0), 1);
        Text(img, xLabel, r.X + r.Width / 2 - 15, r.Bottom + 30);
        Text(img, yLabel, r.X - 35, r.Y - 6);
    }

    private static void Instances(Mat img, List<NormBox> boxes, IReadOnlyList<string> names)
    {
        var r = Plot(new Rect(0, 0, Panel, Panel));
        int nc = Math.Max(1, names.Count);
        var counts = new int[nc];
        foreach (var b in boxes) if (b.Class >= 0 && b.Class < nc) counts[b.Class]++;
        int max = Math.Max(1, counts.Max());
        double bw = (double)r.Width / nc;
        for (int c = 0; c < nc; c++)
        {
            int bh = (int)Math.Round((double)counts[c] / max * (r.Height - 15));
            var bar = new Rect(r.X + (int)(c * bw) + 1, r.Bottom - bh, Math.Max(1, (int)bw - 2), bh);
            Cv2.Rectangle(img, bar, Palette.Bgr(c), -1);
            if (nc <= 30)
            {
                string label = names.Count > c ? names[c] : c.ToString(CultureInfo.InvariantCulture);
                Text(img, label.Length > 8 ? label[..8] : label, bar.X, r.Bottom + 14, 0.33);
                Text(img, counts[c].ToString(CultureInfo.InvariantCulture), bar.X, r.Bottom - bh - 3, 0.33);
            }
        }
        Axes(img, r, "", "instances");
    }

    private static void Outlines(Mat img, List<NormBox> boxes)
    {
        var r = Plot(new Rect(Panel, 0, Panel, Panel));
        int cx = r.X + r.Width / 2, cy = r.Y + r.Height / 2;
        foreach (var b in boxes.Take(1000))
        {
            int w = (int)(b.W * r.Width), h = (int)(b.H * r.Height);
            Cv2.Rectangle(img, new Rect(cx - w / 2, cy - h / 2, w, h), Palette.Bgr(b.Class), 1);
        }
        Cv2.Rectangle(img, r, Scalar.All(0), 1);
    }

    private static void Scatter(Mat img, Rect panel, IEnumerable<(float X, float Y)> points, string xLabel, string yLabel)
    {
        var r = Plot(panel);
        // A 2-D histogram rendered as blue shades (like seaborn's histplot in ultralytics); y grows upwards.
        const int Bins = 50;
        var hist = new int[Bins, Bins];
        int max = 1;
        foreach (var (x, y) in points)
        {
            int i = Math.Clamp((int)(x * Bins), 0, Bins - 1), j = Math.Clamp((int)(y * Bins), 0, Bins - 1);
            max = Math.Max(max, ++hist[i, j]);
        }
        double cw = (double)r.Width / Bins, ch = (double)r.Height / Bins;
        for (int i = 0; i < Bins; i++)
            for (int j = 0; j < Bins; j++)
            {
                if (hist[i, j] == 0) continue;
                double t = Math.Sqrt((double)hist[i, j] / max);
                var color = new Scalar(255 - 60 * t, 230 - 170 * t, 200 - 190 * t);
                Cv2.Rectangle(img, new Rect(r.X + (int)(i * cw), r.Y + (int)((Bins - 1 - j) * ch), (int)Math.Ceiling(cw), (int)Math.Ceiling(ch)), color, -1);
            }
        Axes(img, r, xLabel, yLabel);
        Text(img, "0", r.X - 10, r.Bottom + 12, 0.33);
        Text(img, "1", r.Right - 4, r.Bottom + 12, 0.33);
    }
}
