using OpenCvSharp;

namespace GhostYolo.Data.Transforms;

/// <summary>
/// Random rotation/scale/shear/translation/perspective (ultralytics <c>RandomPerspective</c>, training.md §2.3):
/// M = T·S·R·P·C, warp with border 114, boxes from transformed corners, clipped, filtered by <see cref="BoxCandidates"/>.
/// Without a mosaic border the <paramref name="preTransform"/> letterbox makes the image square first.
/// </summary>
internal sealed class RandomPerspective(
    double degrees = 0.0, double translate = 0.1, double scale = 0.5, double shear = 0.0, double perspective = 0.0,
    LetterBox? preTransform = null) : ITransform
{
    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        if (sample.MosaicBorder is null && preTransform is not null) preTransform.Apply(sample, rng);
        var (bx, by) = sample.MosaicBorder ?? (0, 0);
        sample.MosaicBorder = null;
        int imgH = sample.Image.Rows, imgW = sample.Image.Cols;
        int W = imgW + 2 * bx, H = imgH + 2 * by;

        // Draw order as in ultralytics: P[2,0], P[2,1], angle, scale, shear x, shear y, T x, T y.
        var C = Identity(); C[0, 2] = -imgW / 2.0; C[1, 2] = -imgH / 2.0;
        var P = Identity(); P[2, 0] = rng.Uniform(-perspective, perspective); P[2, 1] = rng.Uniform(-perspective, perspective);
        double a = rng.Uniform(-degrees, degrees), s = rng.Uniform(1 - scale, 1 + scale);
        var R = Identity();
        double rad = a * Math.PI / 180, cos = s * Math.Cos(rad), sin = s * Math.Sin(rad);
        R[0, 0] = cos; R[0, 1] = sin; R[1, 0] = -sin; R[1, 1] = cos; // getRotationMatrix2D(center 0, a, s)
        var S = Identity();
        S[0, 1] = Math.Tan(rng.Uniform(-shear, shear) * Math.PI / 180);
        S[1, 0] = Math.Tan(rng.Uniform(-shear, shear) * Math.PI / 180);
        var T = Identity();
        T[0, 2] = rng.Uniform(0.5 - translate, 0.5 + translate) * W;
        T[1, 2] = rng.Uniform(0.5 - translate, 0.5 + translate) * H;
        var M = Mul(T, Mul(S, Mul(R, Mul(P, C))));
        // Parity: ultralytics builds M in float32.
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) M[i, j] = (float)M[i, j];

        bool isIdentity = true;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) isIdentity &= M[i, j] == (i == j ? 1 : 0);
        if (bx != 0 || by != 0 || !isIdentity)
        {
            var dst = new Mat();
            if (perspective != 0)
            {
                using var m = Mat.FromPixelData(3, 3, MatType.CV_64FC1, M);
                Cv2.WarpPerspective(sample.Image, dst, m, new Size(W, H), InterpolationFlags.Linear, BorderTypes.Constant, LetterBox.PadColor);
            }
            else
            {
                var m2 = new double[2, 3] { { M[0, 0], M[0, 1], M[0, 2] }, { M[1, 0], M[1, 1], M[1, 2] } };
                using var m = Mat.FromPixelData(2, 3, MatType.CV_64FC1, m2);
                Cv2.WarpAffine(sample.Image, dst, m, new Size(W, H), InterpolationFlags.Linear, BorderTypes.Constant, LetterBox.PadColor);
            }
            sample.ReplaceImage(dst);
        }

        var kept = new List<LabelBox>(sample.Boxes.Count);
        Span<double> xs = stackalloc double[4], ys = stackalloc double[4];
        foreach (var b in sample.Boxes)
        {
            ReadOnlySpan<(double X, double Y)> corners = [(b.X1, b.Y1), (b.X2, b.Y2), (b.X1, b.Y2), (b.X2, b.Y1)];
            for (int k = 0; k < 4; k++)
            {
                var (x, y) = corners[k];
                double u = M[0, 0] * x + M[0, 1] * y + M[0, 2], v = M[1, 0] * x + M[1, 1] * y + M[1, 2];
                if (perspective != 0)
                {
                    double z = M[2, 0] * x + M[2, 1] * y + M[2, 2];
                    u /= z; v /= z;
                }
                xs[k] = u; ys[k] = v;
            }
            var nb = new LabelBox(b.Class,
                (float)Math.Clamp(Min(xs), 0, W), (float)Math.Clamp(Min(ys), 0, H),
                (float)Math.Clamp(Max(xs), 0, W), (float)Math.Clamp(Max(ys), 0, H));
            if (BoxCandidates(b.W * s, b.H * s, nb.W, nb.H)) kept.Add(nb);
        }
        sample.Boxes = kept;
    }

    /// <summary>
    /// Keeps a box after augmentation (ultralytics <c>box_candidates</c>): new side > 2 px, area ratio > 0.1 of the
    /// scaled original, aspect ratio &lt; 100.
    /// </summary>
    public static bool BoxCandidates(double w1, double h1, double w2, double h2, double whThr = 2, double arThr = 100, double areaThr = 0.1, double eps = 1e-16)
    {
        double ar = Math.Max(w2 / (h2 + eps), h2 / (w2 + eps));
        return w2 > whThr && h2 > whThr && w2 * h2 / (w1 * h1 + eps) > areaThr && ar < arThr;
    }

    private static double Min(Span<double> v) { double m = v[0]; foreach (var x in v) m = Math.Min(m, x); return m; }
    private static double Max(Span<double> v) { double m = v[0]; foreach (var x in v) m = Math.Max(m, x); return m; }

    private static double[,] Identity() => new double[3, 3] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };

    private static double[,] Mul(double[,] a, double[,] b)
    {
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                r[i, j] = a[i, 0] * b[0, j] + a[i, 1] * b[1, j] + a[i, 2] * b[2, j];
        return r;
    }
}
