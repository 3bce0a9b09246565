using System.Globalization;
using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>
/// Verifies one image/label pair (ultralytics <c>verify_image_label</c>, training.md §1.4). Never throws: a bad pair
/// comes back with <see cref="Result.Corrupt"/> set and a message naming the file (and label line).
/// </summary>
internal static class LabelVerifier
{
    /// <summary>Coordinates may exceed [0, 1] by this much (rounding in exported labels); they are clipped.</summary>
    public const float CoordTolerance = 1e-3f;

    /// <summary>Outcome for one image: the item (null when corrupt) and the counter increments.</summary>
    public sealed record Result(LabeledImage? Item, bool Found, bool Missing, bool Empty, bool Corrupt, List<ScanProblem> Problems);

    /// <summary>Verifies <paramref name="imagePath"/> and its label file against <paramref name="nc"/> classes.</summary>
    public static Result Verify(string imagePath, int nc)
    {
        var problems = new List<ScanProblem>();
        string labelPath = ImageFiles.LabelPathFor(imagePath);
        Result Corrupt(string file, int? line, string msg)
        {
            problems.Add(new ScanProblem(file, line, msg, Fatal: true));
            return new Result(null, false, false, false, true, problems);
        }

        int h, w;
        try
        {
            if (!ImageFiles.IsImage(imagePath)) return Corrupt(imagePath, null, "invalid image format");
            // ImreadModes.Color applies the EXIF orientation, so the size is the one training sees.
            using var img = Cv2.ImRead(imagePath, ImreadModes.Color);
            if (img.Empty()) return Corrupt(imagePath, null, "cannot decode image (truncated or not an image)");
            (h, w) = (img.Rows, img.Cols);
            if (h < 10 || w < 10) return Corrupt(imagePath, null, $"image size {w}x{h} <10 pixels");
            if (IsJpeg(imagePath) && !EndsWithEoi(imagePath))
                problems.Add(new ScanProblem(imagePath, null, "corrupt JPEG (missing end marker FF D9); decoded anyway", Fatal: false));
        }
        catch (Exception e)
        {
            return Corrupt(imagePath, null, $"cannot read image: {e.Message}");
        }

        if (!File.Exists(labelPath))
            return new Result(new LabeledImage(imagePath, labelPath, h, w, []), false, true, false, false, problems);

        var rows = new List<(NormBox Box, int Line)>();
        string[] lines;
        try { lines = File.ReadAllLines(labelPath); }
        catch (Exception e) { return Corrupt(labelPath, null, $"cannot read label file: {e.Message}"); }
        for (int li = 0; li < lines.Length; li++)
        {
            var parts = lines[li].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            int lineNo = li + 1;
            if (parts.Length < 5 || (parts.Length > 5 && (parts.Length < 7 || parts.Length % 2 == 0)))
                return Corrupt(labelPath, lineNo, $"labels require 5 columns (class cx cy w h) or a polygon (class x1 y1 x2 y2 x3 y3 ...), {parts.Length} columns detected");
            var v = new float[parts.Length];
            for (int j = 0; j < parts.Length; j++)
                if (!float.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out v[j]) || !float.IsFinite(v[j]))
                    return Corrupt(labelPath, lineNo, $"'{parts[j]}' is not a number");
            if (v.Any(x => x < -CoordTolerance) || v[0] < 0) return Corrupt(labelPath, lineNo, "negative label values");
            if (v[0] != MathF.Floor(v[0])) return Corrupt(labelPath, lineNo, $"class '{parts[0]}' is not an integer");
            int cls = (int)v[0];
            if (cls >= nc) return Corrupt(labelPath, lineNo, $"label class {cls} exceeds dataset class count {nc} (possible class labels are 0-{nc - 1})");
            for (int j = 1; j < v.Length; j++)
            {
                if (v[j] > 1 + CoordTolerance) return Corrupt(labelPath, lineNo, "non-normalized or out of bounds coordinates (values must be in [0, 1])");
                v[j] = Math.Clamp(v[j], 0f, 1f);
            }
            NormBox box;
            if (v.Length == 5) box = new NormBox(cls, v[1], v[2], v[3], v[4]);
            else
            {
                // Polygon row (segments2boxes): its min/max box.
                float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
                for (int j = 1; j + 1 < v.Length; j += 2)
                {
                    x1 = MathF.Min(x1, v[j]); x2 = MathF.Max(x2, v[j]);
                    y1 = MathF.Min(y1, v[j + 1]); y2 = MathF.Max(y2, v[j + 1]);
                }
                box = new NormBox(cls, (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1);
            }
            rows.Add((box, lineNo));
        }
        if (rows.Count == 0)
            return new Result(new LabeledImage(imagePath, labelPath, h, w, []), true, false, true, false, problems);

        var boxes = rows.Select(r => r.Box).ToArray();
        var unique = boxes.Distinct().ToArray();
        if (unique.Length < boxes.Length)
        {
            // np.unique(axis=0) semantics: duplicates removed, rows then in lexicographic order.
            Array.Sort(unique, (a, b) =>
                a.Class != b.Class ? a.Class.CompareTo(b.Class) :
                a.Cx != b.Cx ? a.Cx.CompareTo(b.Cx) : a.Cy != b.Cy ? a.Cy.CompareTo(b.Cy) :
                a.W != b.W ? a.W.CompareTo(b.W) : a.H.CompareTo(b.H));
            problems.Add(new ScanProblem(labelPath, null, $"{boxes.Length - unique.Length} duplicate labels removed", Fatal: false));
            boxes = unique;
        }
        return new Result(new LabeledImage(imagePath, labelPath, h, w, boxes), true, false, false, false, problems);
    }

    private static bool IsJpeg(string path)
    {
        var ext = Path.GetExtension(path);
        return ext.Equals(".jpg", StringComparison.OrdinalIgnoreCase) || ext.Equals(".jpeg", StringComparison.OrdinalIgnoreCase);
    }

    private static bool EndsWithEoi(string path)
    {
        using var fs = File.OpenRead(path);
        if (fs.Length < 2) return false;
        fs.Seek(-2, SeekOrigin.End);
        return fs.ReadByte() == 0xFF && fs.ReadByte() == 0xD9;
    }
}
