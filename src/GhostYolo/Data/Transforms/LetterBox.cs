using OpenCvSharp;

namespace GhostYolo.Data.Transforms;

/// <summary>Geometry of one letterbox operation: scale per axis, float half-pads and the integer padding applied.</summary>
/// <param name="RatioW">Width scale.</param><param name="RatioH">Height scale.</param>
/// <param name="Dw">Horizontal float pad added to x (half the total when centred).</param><param name="Dh">Vertical float pad.</param>
/// <param name="Left">Integer left padding.</param><param name="Top">Integer top padding.</param>
/// <param name="UnpadW">Resized content width.</param><param name="UnpadH">Resized content height.</param>
/// <param name="Height">Output height.</param><param name="Width">Output width.</param>
internal readonly record struct LetterBoxInfo(double RatioW, double RatioH, double Dw, double Dh, int Left, int Top, int UnpadW, int UnpadH, int Height, int Width)
{
    /// <summary>Maps a letterboxed point back to the input image (ultralytics <c>scale_boxes</c> with ratio_pad).</summary>
    public (double X, double Y) ToInput(double x, double y) => ((x - Left) / RatioW, (y - Top) / RatioH);

    /// <summary>
    /// The <see cref="ImageInfo.RatioPad"/> for a frame letterboxed straight from its original size (predictor):
    /// height ratio and integer left/top pads, as ultralytics' <c>scale_boxes</c> expects.
    /// </summary>
    public (double Gain, double PadW, double PadH) RatioPad => (RatioH, Left, Top);

    /// <summary>Maps an input-image point into the letterboxed image.</summary>
    public (double X, double Y) FromInput(double x, double y) => (x * RatioW + Dw, y * RatioH + Dh);
}

/// <summary>
/// Resize and pad to a target shape keeping the aspect ratio (ultralytics <c>LetterBox</c>, training.md §2.8):
/// Python-round sizes, pad 114, odd pads put the extra pixel bottom/right.
/// </summary>
internal sealed class LetterBox(int height, int width, bool auto = false, bool scaleFill = false, bool scaleUp = true, bool center = true, int stride = 32) : ITransform
{
    /// <summary>Square letterbox.</summary>
    public LetterBox(int size, bool auto = false, bool scaleFill = false, bool scaleUp = true, bool center = true, int stride = 32)
        : this(size, size, auto, scaleFill, scaleUp, center, stride) { }

    public int Height { get; } = height;
    public int Width { get; } = width;
    public bool Auto { get; } = auto;
    public bool ScaleFill { get; } = scaleFill;
    public bool ScaleUp { get; } = scaleUp;
    public bool Center { get; } = center;
    public int Stride { get; } = stride;

    /// <summary>Padding colour (BGR).</summary>
    public static readonly Scalar PadColor = new(114, 114, 114);

    /// <summary>Computes the geometry for an input of <paramref name="h"/>×<paramref name="w"/> into <paramref name="newH"/>×<paramref name="newW"/>.</summary>
    public LetterBoxInfo Plan(int h, int w, int newH, int newW)
    {
        double r = Math.Min((double)newH / h, (double)newW / w);
        if (!ScaleUp) r = Math.Min(r, 1.0);
        double rw = r, rh = r;
        int unpadW = (int)Math.Round(w * r), unpadH = (int)Math.Round(h * r); // Python round = ToEven
        double dw = newW - unpadW, dh = newH - unpadH;
        if (Auto) { dw %= Stride; dh %= Stride; }
        else if (ScaleFill)
        {
            dw = dh = 0;
            (unpadW, unpadH) = (newW, newH);
            (rw, rh) = ((double)newW / w, (double)newH / h);
        }
        if (Center) { dw /= 2; dh /= 2; }
        int top = Center ? (int)Math.Round(dh - 0.1) : 0, bottom = (int)Math.Round(dh + 0.1);
        int left = Center ? (int)Math.Round(dw - 0.1) : 0, right = (int)Math.Round(dw + 0.1);
        return new LetterBoxInfo(rw, rh, dw, dh, left, top, unpadW, unpadH, unpadH + top + bottom, unpadW + left + right);
    }

    /// <summary>Letterboxes <paramref name="image"/> into this transform's shape; returns a new Mat (the caller disposes both).</summary>
    public Mat Apply(Mat image, out LetterBoxInfo info) => Apply(image, Height, Width, out info);

    /// <summary>Letterboxes into an explicit shape (e.g. a rectangular batch shape).</summary>
    public Mat Apply(Mat image, int newH, int newW, out LetterBoxInfo info)
    {
        int h = image.Rows, w = image.Cols;
        info = Plan(h, w, newH, newW);
        int unpadW = info.UnpadW, unpadH = info.UnpadH;
        // Already the right size (a 640×480 video frame at 640, auto): pad straight from the input, one copy instead of two.
        using var resized = unpadW != w || unpadH != h ? new Mat() : null;
        if (resized is not null) Cv2.Resize(image, resized, new Size(unpadW, unpadH), 0, 0, InterpolationFlags.Linear);
        var dst = new Mat();
        Cv2.CopyMakeBorder(resized ?? image, dst, info.Top, info.Height - unpadH - info.Top, info.Left, info.Width - unpadW - info.Left,
            BorderTypes.Constant, PadColor);
        return dst;
    }

    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        var (nh, nw) = sample.RectShape ?? (Height, Width);
        var img = Apply(sample.Image, nh, nw, out var info);
        sample.ReplaceImage(img);
        for (int i = 0; i < sample.Boxes.Count; i++)
        {
            var b = sample.Boxes[i];
            sample.Boxes[i] = b with
            {
                X1 = (float)(b.X1 * info.RatioW + info.Dw), Y1 = (float)(b.Y1 * info.RatioH + info.Dh),
                X2 = (float)(b.X2 * info.RatioW + info.Dw), Y2 = (float)(b.Y2 * info.RatioH + info.Dh),
            };
        }
        if (sample.RatioPad is not null)
        {
            // Height ratio from the original file to the letterboxed content, integer pads (ultralytics ratio_pad).
            double gain = (double)sample.Resized.H / sample.Original.H * info.RatioH;
            sample.RatioPad = (gain, info.Left, info.Top);
        }
    }
}
