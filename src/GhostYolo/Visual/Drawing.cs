using System.Globalization;
using OpenCvSharp;

namespace GhostYolo.Visual;

/// <summary>A box to draw: corners in image pixels, class, optional confidence and track ID (colour and "id:7" prefix).</summary>
internal readonly record struct DrawBox(float X1, float Y1, float X2, float Y2, int Class, float? Confidence = null, int? TrackId = null);

/// <summary>
/// Box and label drawing on OpenCV images the way ultralytics' <c>Annotator</c> does (cv2 path, training.md §7):
/// line width rule, Hershey Simplex labels "name 0.87" on a filled box-coloured rectangle, dark/white text rule.
/// </summary>
internal static class Drawing
{
    /// <summary>Default line width <c>max(round((H + W + 3) / 2 · 0.003), 2)</c> (Python round).</summary>
    public static int LineWidth(int height, int width) => Math.Max((int)Math.Round((height + width + 3) / 2.0 * 0.003), 2);

    /// <summary>Label text: <c>"{name} {conf:.2f}"</c>, or the name alone without a confidence.</summary>
    public static string Label(string name, float? confidence) =>
        confidence is { } c ? string.Create(CultureInfo.InvariantCulture, $"{name} {c:F2}") : name;

    /// <summary>Draws one box with an optional label (ultralytics <c>Annotator.box_label</c>).</summary>
    public static void BoxLabel(Mat img, double x1, double y1, double x2, double y2, string? label, Scalar color, Scalar textColor, int lineWidth)
    {
        var p1 = new Point((int)x1, (int)y1);
        var p2 = new Point((int)x2, (int)y2);
        Cv2.Rectangle(img, p1, p2, color, lineWidth, LineTypes.AntiAlias);
        if (string.IsNullOrEmpty(label)) return;
        int tf = Math.Max(lineWidth - 1, 1);
        double sf = lineWidth / 3.0;
        var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, sf, tf, out _);
        int w = size.Width, h = size.Height + 3;
        bool outside = p1.Y >= h;
        if (p1.X > img.Cols - w) p1 = new Point(img.Cols - w, p1.Y);
        var q2 = new Point(p1.X + w, outside ? p1.Y - h : p1.Y + h);
        Cv2.Rectangle(img, p1, q2, color, -1, LineTypes.AntiAlias);
        Cv2.PutText(img, label, new Point(p1.X, outside ? p1.Y - 2 : p1.Y + h - 1), HersheyFonts.HersheySimplex, sf, textColor, tf, LineTypes.AntiAlias);
    }

    /// <summary>
    /// Draws detections in reverse order (lowest score first, so the best ends on top), palette colour per class — or per
    /// track ID for tracked boxes, labelled <c>id:7 square 0.91</c> as ultralytics labels them.
    /// <paramref name="lineWidth"/> null = <see cref="LineWidth"/> of the image.
    /// </summary>
    public static void Boxes(Mat img, IReadOnlyList<DrawBox> boxes, IReadOnlyList<string> names, int? lineWidth = null, bool labels = true, bool confidences = true)
    {
        int lw = lineWidth ?? LineWidth(img.Rows, img.Cols);
        for (int i = boxes.Count - 1; i >= 0; i--)
        {
            var b = boxes[i];
            string name = b.Class >= 0 && b.Class < names.Count ? names[b.Class] : b.Class.ToString(CultureInfo.InvariantCulture);
            string? label = labels ? (b.TrackId is { } id ? $"id:{id} " : "") + Label(name, confidences ? b.Confidence : null) : null;
            int colour = b.TrackId ?? b.Class;
            BoxLabel(img, b.X1, b.Y1, b.X2, b.Y2, label, Palette.Bgr(colour), Palette.TextColor(colour), lw);
        }
    }

    /// <summary>Each track's recent centres as a polyline in its box colour (ultralytics' track trails).</summary>
    public static void Trails(Mat img, IReadOnlyList<(int TrackId, IReadOnlyList<Point> Points)> trails, int? lineWidth = null)
    {
        int lw = lineWidth ?? LineWidth(img.Rows, img.Cols);
        foreach (var (id, points) in trails)
            if (points.Count > 1) Cv2.Polylines(img, [points], false, Palette.Bgr(id), lw, LineTypes.AntiAlias);
    }

    /// <summary>A counting line with its in / out totals beside its first end.</summary>
    public static void CountLine(Mat img, Point a, Point b, int inCount, int outCount, int? lineWidth = null)
    {
        int lw = lineWidth ?? LineWidth(img.Rows, img.Cols);
        var colour = new Scalar(255, 0, 255);
        Cv2.Line(img, a, b, colour, lw, LineTypes.AntiAlias);
        var text = string.Create(CultureInfo.InvariantCulture, $"in {inCount}  out {outCount}");
        var at = new Point(Math.Clamp(a.X, 0, Math.Max(img.Cols - 120, 0)), Math.Clamp(a.Y - 6, 14, img.Rows - 2));
        Cv2.PutText(img, text, at, HersheyFonts.HersheySimplex, lw / 3.0, colour, Math.Max(lw - 1, 1), LineTypes.AntiAlias);
    }
}
