using System.Globalization;
using System.Text;

namespace GhostYolo.Engine.Sinks;

/// <summary>
/// YOLO-format prediction labels (ultralytics <c>Results.save_txt</c>): one line <c>cls cx cy w h [conf]</c> per box,
/// normalised to the original image, numbers formatted like Python's <c>%g</c>.
/// </summary>
internal static class LabelFile
{
    /// <summary>The label text for <paramref name="detections"/> on an image of <paramref name="shape"/>.</summary>
    public static string Format(IReadOnlyList<Detection> detections, (int H, int W) shape, bool saveConf)
    {
        var sb = new StringBuilder();
        foreach (var d in detections)
        {
            double cx = (d.X1 + d.X2) / 2.0 / shape.W, cy = (d.Y1 + d.Y2) / 2.0 / shape.H;
            double w = (d.X2 - d.X1) / (double)shape.W, h = (d.Y2 - d.Y1) / (double)shape.H;
            sb.Append(d.Class.ToString(CultureInfo.InvariantCulture)).Append(' ')
              .Append(G(cx)).Append(' ').Append(G(cy)).Append(' ').Append(G(w)).Append(' ').Append(G(h));
            if (saveConf) sb.Append(' ').Append(G(d.Score));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Writes the labels of one frame to <c>labels/{stem}.txt</c> (images) or <c>labels/{stem}_{frame}.txt</c>
    /// (video frames, 1-based as ultralytics). Frames without detections get an empty file (a background label),
    /// so there is one file per image. Returns the path written.
    /// </summary>
    public static string Write(string saveDir, FrameResult r, bool saveConf)
    {
        string dir = Path.Combine(saveDir, "labels");
        Directory.CreateDirectory(dir);
        string stem = Sanitize(Path.GetFileNameWithoutExtension(r.Path));
        string name = r.Kind == Sources.SourceKind.Image ? stem : $"{stem}_{(r.FrameIndex + 1).ToString(CultureInfo.InvariantCulture)}";
        string path = Path.Combine(dir, name + ".txt");
        File.WriteAllText(path, Format(r.Detections, r.OriginalShape, saveConf));
        return path;
    }

    /// <summary>Python <c>"%g" % v</c>: 6 significant digits, trailing zeros dropped, exponent below 1e-4.</summary>
    public static string G(double v)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a < 1e-4 || a >= 1e6)
        {
            var s = v.ToString("0.#####e+00", CultureInfo.InvariantCulture);
            return s;
        }
        int digitsBefore = (int)Math.Floor(Math.Log10(a)) + 1;
        int decimals = Math.Clamp(6 - digitsBefore, 0, 15);
        var rounded = Math.Round(v, decimals, MidpointRounding.ToEven);
        // Rounding can add a digit (9.999995 → 10): re-derive the precision from the rounded value.
        if (Math.Abs(rounded) >= Math.Pow(10, digitsBefore)) rounded = Math.Round(v, Math.Max(decimals - 1, 0), MidpointRounding.ToEven);
        return rounded.ToString("0.###############", CultureInfo.InvariantCulture);
    }

    /// <summary>A file-name-safe stem for webcam indices and stream URLs.</summary>
    internal static string Sanitize(string stem)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var s = new string(stem.Select(c => invalid.Contains(c) || c == ':' ? '_' : c).ToArray());
        return s.Length == 0 ? "stream" : s;
    }
}
