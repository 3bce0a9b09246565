using System.Globalization;
using System.Text;
using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>A short mp4 (fourcc mp4v) of shapes bouncing over a fixed background, with per-frame ground truth.</summary>
internal static class ShapesVideo
{
    /// <summary>
    /// Writes <paramref name="path"/> and <paramref name="labelsPath"/> (lines <c>frame class cx cy w h</c>, normalised);
    /// returns the frame count read back from the file. Throws when the video cannot be written or reopened.
    /// </summary>
    public static int Write(string path, string labelsPath, ShapesOptions o)
    {
        int w = o.ImgSize, h = o.ImgSize * 3 / 4 / 2 * 2;
        var rng = new Random(SampleSeeds.Derive(o.Seed, 2, 0));
        using var background = ShapesDataset.Background(h, w, rng);
        int n = Math.Min(5, Math.Max(2, o.MaxShapes));
        var shapes = Enumerable.Range(0, n).Select(_ =>
        {
            double r = rng.Uniform(0.05, 0.15) * w;
            return new Moving(rng.Next(o.Classes), rng.Uniform(r, w - r), rng.Uniform(r, h - r), r,
                rng.Uniform(-4, 4), rng.Uniform(-4, 4), rng.Uniform(0, 360), rng.Uniform(-5, 5),
                ShapesDataset.ContrastingColor(Cv2.Mean(background), rng));
        }).ToArray();

        var gt = new StringBuilder();
        using (var writer = new VideoWriter(path, FourCC.FromString("mp4v"), o.VideoFps, new Size(w, h)))
        {
            if (!writer.IsOpened()) throw new IOException($"{path}: OpenCV cannot open a video writer (fourcc mp4v)");
            for (int f = 0; f < o.VideoFrames; f++)
            {
                using var frame = background.Clone();
                var masks = new List<(int Cls, Mat Mask)>();
                try
                {
                    foreach (var s in shapes)
                    {
                        ShapeRenderer.Draw(frame, s.Cls, s.X, s.Y, s.R, s.Angle, s.Color, -1, LineTypes.AntiAlias);
                        var mask = new Mat(h, w, MatType.CV_8UC1, Scalar.All(0));
                        masks.Add((s.Cls, mask));
                        ShapeRenderer.Draw(mask, s.Cls, s.X, s.Y, s.R, s.Angle, Scalar.All(255), -1, LineTypes.Link8);
                        s.Step(w, h);
                    }
                    foreach (var (cls, b) in ShapesDataset.VisibleBoxes(masks))
                        gt.AppendLine(string.Create(CultureInfo.InvariantCulture,
                            $"{f} {cls} {(b.X + b.Width / 2.0) / w:F6} {(b.Y + b.Height / 2.0) / h:F6} {(double)b.Width / w:F6} {(double)b.Height / h:F6}"));
                }
                finally
                {
                    foreach (var (_, mask) in masks) mask.Dispose();
                }
                writer.Write(frame);
            }
        }
        File.WriteAllText(labelsPath, gt.ToString());

        using var cap = new VideoCapture(path);
        if (!cap.IsOpened()) throw new IOException($"{path}: written video cannot be reopened");
        int count = 0;
        using var m = new Mat();
        while (cap.Read(m) && !m.Empty()) count++;
        if (count != o.VideoFrames) throw new IOException($"{path}: wrote {o.VideoFrames} frames but read back {count}");
        return count;
    }

    private sealed class Moving(int cls, double x, double y, double r, double vx, double vy, double angle, double spin, Scalar color)
    {
        public int Cls => cls;
        public double X => x;
        public double Y => y;
        public double R => r;
        public double Angle => angle;
        public Scalar Color => color;

        public void Step(int w, int h)
        {
            x += vx; y += vy; angle += spin;
            if (x < r || x > w - r) vx = -vx;
            if (y < r || y > h - r) vy = -vy;
        }
    }
}
