using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>
/// Synthetic detection dataset of filled and outlined shapes on noisy, gradient and textured backgrounds, with YOLO
/// labels tight around the visible part, a <c>data.yaml</c>, a short test video and a tracking sequence with ground truth
/// (<c>track/</c>, see <see cref="ShapesSequence"/>). Deterministic per seed: each image
/// draws from its own (seed, split, index) RNG, so the parallel generation order does not matter.
/// </summary>
public static class ShapesDataset
{
    /// <summary>Writes the dataset into <see cref="ShapesOptions.OutDir"/>.</summary>
    public static ShapesResult Generate(ShapesOptions o, CancellationToken ct = default)
    {
        if (o.Classes < 1) throw new ArgumentException("Classes must be ≥ 1", nameof(o));
        string root = Path.GetFullPath(o.OutDir);
        var names = ShapeRenderer.Names(o.Classes);
        int instances = 0;
        foreach (var (split, count, splitId) in new[] { ("train", o.Train, 0), ("val", o.Val, 1) })
        {
            string imgDir = Path.Combine(root, "images", split), lblDir = Path.Combine(root, "labels", split);
            Directory.CreateDirectory(imgDir);
            Directory.CreateDirectory(lblDir);
            Parallel.For(0, count, new ParallelOptions { CancellationToken = ct }, i =>
            {
                var rng = new Random(SampleSeeds.Derive(o.Seed, splitId, i));
                int w = o.ImgSize, h = o.ImgSize;
                // Half the images are non-square so rectangular validation batches get exercised.
                if (rng.NextDouble() < 0.5)
                {
                    int shortSide = (int)Math.Round(o.ImgSize * rng.Uniform(0.6, 1.0));
                    if (rng.NextDouble() < 0.5) h = shortSide; else w = shortSide;
                }
                using var img = Background(h, w, rng);
                var boxes = DrawShapes(img, rng, o);
                string stem = i.ToString("D6", CultureInfo.InvariantCulture);
                Cv2.ImWrite(Path.Combine(imgDir, stem + ".jpg"), img, [(int)ImwriteFlags.JpegQuality, 95]);
                File.WriteAllText(Path.Combine(lblDir, stem + ".txt"), FormatLabels(boxes, w, h));
                Interlocked.Add(ref instances, boxes.Count);
            });
        }
        string yaml = Path.Combine(root, "data.yaml");
        var sb = new StringBuilder();
        sb.AppendLine("# Synthetic shapes dataset written by ghostyolo (ShapesDataset.Generate)");
        sb.AppendLine("path: .");
        sb.AppendLine("train: images/train");
        sb.AppendLine("val: images/val");
        sb.AppendLine("names:");
        for (int c = 0; c < names.Count; c++) sb.AppendLine($"  {c}: {names[c]}");
        File.WriteAllText(yaml, sb.ToString());

        string? video = null;
        int frames = 0;
        if (o.Video && o.VideoFrames > 0)
        {
            video = Path.Combine(root, "video.mp4");
            frames = ShapesVideo.Write(video, Path.Combine(root, "video_labels.txt"), o);
        }
        SequenceResult? track = o.TrackFrames > 0 ? WriteSequence(o, ct) : null;
        return new ShapesResult(yaml, o.Train, o.Val, instances, video, frames, names, track);
    }

    /// <summary>The dataset's tracking sequence in <c>OutDir/track/</c>: frames the size of <c>video.mp4</c>, the dataset's
    /// classes, sizes and seed (also how the demo adds one to a dataset generated before sequences existed).</summary>
    public static SequenceResult WriteSequence(ShapesOptions o, CancellationToken ct = default)
        => ShapesSequence.Write(Path.Combine(Path.GetFullPath(o.OutDir), "track"), new SequenceOptions
        {
            Frames = o.TrackFrames, Fps = o.TrackFps, Width = o.ImgSize, Height = o.ImgSize * 3 / 4 / 2 * 2, // as video.mp4
            Classes = o.Classes, MinSize = o.MinSize, Seed = o.Seed, Images = o.TrackImages,
        }, ct);

    /// <summary>YOLO label text for pixel boxes of an image of size (w, h).</summary>
    internal static string FormatLabels(IEnumerable<(int Cls, Rect Box)> boxes, int w, int h)
    {
        var sb = new StringBuilder();
        foreach (var (cls, r) in boxes)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{cls} {(r.X + r.Width / 2.0) / w:F6} {(r.Y + r.Height / 2.0) / h:F6} {(double)r.Width / w:F6} {(double)r.Height / h:F6}"));
        return sb.ToString();
    }

    /// <summary>Noise, gradient or texture background.</summary>
    internal static Mat Background(int h, int w, Random rng)
    {
        var px = new byte[h * w * 3];
        int kind = rng.Next(3);
        var c1 = new double[] { rng.Next(256), rng.Next(256), rng.Next(256) };
        var c2 = new double[] { rng.Next(256), rng.Next(256), rng.Next(256) };
        double noise = rng.Uniform(0, 40);
        double ang = rng.Uniform(0, 2 * Math.PI), ca = Math.Cos(ang), sa = Math.Sin(ang);
        double fx = rng.Uniform(0.02, 0.15), fy = rng.Uniform(0.02, 0.15);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double t = kind switch
                {
                    0 => 0,
                    1 => Math.Clamp(((x - w / 2.0) * ca + (y - h / 2.0) * sa) / Math.Max(w, h) + 0.5, 0, 1),
                    _ => 0.5 + 0.25 * (Math.Sin(x * fx) + Math.Sin(y * fy + x * fx * 0.3)),
                };
                double n = noise * (rng.NextDouble() - 0.5) * 2;
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) px[o + c] = (byte)Math.Clamp(c1[c] * (1 - t) + c2[c] * t + n, 0, 255);
            }
        var mat = new Mat(h, w, MatType.CV_8UC3);
        Marshal.Copy(px, 0, mat.Data, px.Length);
        return mat;
    }

    /// <summary>Draws 0..MaxShapes shapes; returns boxes tight around their visible pixels. Overlap between shapes is capped at 30%.</summary>
    private static List<(int Cls, Rect Box)> DrawShapes(Mat img, Random rng, ShapesOptions o)
    {
        int h = img.Rows, w = img.Cols;
        int n = rng.NextDouble() < 0.03 ? 0 : rng.Next(1, o.MaxShapes + 1);
        var placed = new List<(int Cls, Mat Mask, int Area)>();
        try
        {
            for (int k = 0; k < n; k++)
            {
                for (int attempt = 0; attempt < 10; attempt++)
                {
                    int cls = rng.Next(o.Classes);
                    // Log-uniform diameter from MinSize to half the long side.
                    double d = Math.Exp(rng.Uniform(Math.Log(o.MinSize), Math.Log(Math.Max(o.MinSize, Math.Max(w, h) / 2.0)))), r = d / 2;
                    double cx = rng.Uniform(-0.2 * r, w + 0.2 * r), cy = rng.Uniform(-0.2 * r, h + 0.2 * r);
                    double angle = rng.Uniform(0, 360);
                    int thickness = rng.NextDouble() < 0.6 ? -1 : Math.Max(1, (int)(d / 12));
                    var mask = new Mat(h, w, MatType.CV_8UC1, Scalar.All(0));
                    ShapeRenderer.Draw(mask, cls, cx, cy, r, angle, Scalar.All(255), thickness, LineTypes.Link8);
                    int area = Cv2.CountNonZero(mask);
                    bool ok = area >= 12;
                    foreach (var p in placed)
                    {
                        if (!ok) break;
                        using var inter = new Mat();
                        Cv2.BitwiseAnd(mask, p.Mask, inter);
                        int ia = Cv2.CountNonZero(inter);
                        ok = ia <= 0.3 * Math.Min(area, p.Area);
                    }
                    if (!ok) { mask.Dispose(); continue; }
                    // Contrast against the mean background under the shape itself: for an outline or a shape on a
                    // gradient or texture, the pixel at the centre says little about what the shape is drawn on.
                    var color = ContrastingColor(Cv2.Mean(img, mask), rng);
                    ShapeRenderer.Draw(img, cls, cx, cy, r, angle, color, thickness, LineTypes.AntiAlias);
                    placed.Add((cls, mask, area));
                    break;
                }
            }
            return VisibleBoxes([.. placed.Select(p => (p.Cls, p.Mask))]);
        }
        finally
        {
            foreach (var p in placed) p.Mask.Dispose();
        }
    }

    /// <summary>
    /// Boxes tight around the visible pixels of shapes given in drawing order: a later shape hides what it covers of the
    /// earlier ones. Shapes whose visible part is under 3 px on a side get no box. The masks are left unchanged.
    /// </summary>
    internal static List<(int Cls, Rect Box)> VisibleBoxes(IReadOnlyList<(int Cls, Mat Mask)> drawOrder)
    {
        var parts = VisibleParts([.. drawOrder.Select(d => d.Mask)]);
        return [.. parts.Select((p, i) => (drawOrder[i].Cls, p.Box)).Where(b => IsLabelled(b.Box))];
    }

    /// <summary>Whether a visible part gets a label: at least 3 px on each side.</summary>
    internal static bool IsLabelled(Rect visibleBox) => visibleBox.Width >= 3 && visibleBox.Height >= 3;

    /// <summary>
    /// The visible part of each mask given in drawing order (a later mask hides what it covers of the earlier ones): its
    /// bounding box (empty when nothing shows) and pixel count, in the same order. The masks are left unchanged.
    /// </summary>
    internal static (Rect Box, int Pixels)[] VisibleParts(IReadOnlyList<Mat> drawOrder)
    {
        var parts = new (Rect, int)[drawOrder.Count];
        if (drawOrder.Count == 0) return parts;
        using var above = new Mat(drawOrder[0].Size(), MatType.CV_8UC1, Scalar.All(0));
        using var visible = new Mat();
        using var pts = new Mat();
        for (int i = drawOrder.Count - 1; i >= 0; i--)
        {
            Cv2.Subtract(drawOrder[i], above, visible);
            Cv2.BitwiseOr(above, drawOrder[i], above);
            Cv2.FindNonZero(visible, pts);
            if (!pts.Empty()) parts[i] = (Cv2.BoundingRect(pts), pts.Rows);
        }
        return parts;
    }

    /// <summary>A random colour at least 80 (sum of absolute channel differences) away from <paramref name="background"/>.</summary>
    internal static Scalar ContrastingColor(Scalar background, Random rng)
    {
        Scalar c = default;
        for (int i = 0; i < 20; i++)
        {
            c = new Scalar(rng.Next(256), rng.Next(256), rng.Next(256));
            if (Math.Abs(c.Val0 - background.Val0) + Math.Abs(c.Val1 - background.Val1) + Math.Abs(c.Val2 - background.Val2) > 80) break;
        }
        return c;
    }

    internal static double Uniform(this Random rng, double a, double b) => a + (b - a) * rng.NextDouble();
}
