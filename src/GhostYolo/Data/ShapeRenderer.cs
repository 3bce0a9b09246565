using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>Draws the synthetic shape classes (circle, square, triangle, star, hexagon, cross, diamond, pentagon, k-stars).</summary>
internal static class ShapeRenderer
{
    private static readonly string[] BaseNames = ["circle", "square", "triangle", "star", "hexagon", "cross", "diamond", "pentagon"];

    /// <summary>Class names for <paramref name="classes"/> classes; beyond the named ones, stars with more points.</summary>
    public static List<string> Names(int classes) =>
        [.. Enumerable.Range(0, classes).Select(i => i < BaseNames.Length ? BaseNames[i] : $"star{i - BaseNames.Length + 6}")];

    /// <summary>Vertices of class <paramref name="cls"/> (not used for circles) with circumradius <paramref name="r"/>.</summary>
    public static Point[] Polygon(int cls, double cx, double cy, double r, double angleDeg)
    {
        double a0 = angleDeg * Math.PI / 180;
        (double R, double A)[] pts = cls switch
        {
            1 => Regular(4, r, Math.PI / 4),
            2 => Regular(3, r, -Math.PI / 2),
            3 => Star(5, r, 0.45 * r),
            4 => Regular(6, r, 0),
            5 => Cross(r),
            6 => [(r, 0), (0.55 * r, Math.PI / 2), (r, Math.PI), (0.55 * r, 3 * Math.PI / 2)],
            7 => Regular(5, r, -Math.PI / 2),
            _ => Star(cls - BaseNames.Length + 6, r, 0.5 * r),
        };
        return [.. pts.Select(p => new Point(
            (int)Math.Round(cx + p.R * Math.Cos(p.A + a0)), (int)Math.Round(cy + p.R * Math.Sin(p.A + a0))))];
    }

    /// <summary>Draws a shape; thickness −1 = filled.</summary>
    public static void Draw(Mat img, int cls, double cx, double cy, double r, double angleDeg, Scalar color, int thickness, LineTypes line)
    {
        if (cls == 0)
            Cv2.Circle(img, new Point((int)Math.Round(cx), (int)Math.Round(cy)), (int)Math.Round(r), color, thickness, line);
        else if (thickness < 0)
            Cv2.FillPoly(img, [Polygon(cls, cx, cy, r, angleDeg)], color, line);
        else
            Cv2.Polylines(img, [Polygon(cls, cx, cy, r, angleDeg)], true, color, thickness, line);
    }

    private static (double, double)[] Regular(int n, double r, double phase) =>
        [.. Enumerable.Range(0, n).Select(k => (r, phase + 2 * Math.PI * k / n))];

    private static (double, double)[] Star(int n, double ro, double ri) =>
        [.. Enumerable.Range(0, 2 * n).Select(k => (k % 2 == 0 ? ro : ri, -Math.PI / 2 + Math.PI * k / n))];

    private static (double, double)[] Cross(double r)
    {
        double t = 0.35 * r;
        (double X, double Y)[] xy = [(t, r), (t, t), (r, t), (r, -t), (t, -t), (t, -r), (-t, -r), (-t, -t), (-r, -t), (-r, t), (-t, t), (-t, r)];
        return [.. xy.Select(p => (Math.Sqrt(p.X * p.X + p.Y * p.Y), Math.Atan2(p.Y, p.X)))];
    }
}
