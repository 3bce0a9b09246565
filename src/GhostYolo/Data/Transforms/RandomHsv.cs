using OpenCvSharp;

namespace GhostYolo.Data.Transforms;

/// <summary>
/// Random hue/saturation/value gains applied through lookup tables (ultralytics <c>RandomHSV</c>, training.md §2.6):
/// r = U(−1,1)·gain + 1 per channel, LUTs truncated to uint8, hue modulo 180 (OpenCV 8-bit HSV).
/// </summary>
internal sealed class RandomHsv(double hgain = 0.015, double sgain = 0.7, double vgain = 0.4) : ITransform
{
    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        if (hgain == 0 && sgain == 0 && vgain == 0) return;
        double r0 = rng.Uniform(-1, 1) * hgain + 1, r1 = rng.Uniform(-1, 1) * sgain + 1, r2 = rng.Uniform(-1, 1) * vgain + 1;
        var lh = new byte[256]; var ls = new byte[256]; var lv = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            double h = x * r0 % 180;
            if (h < 0) h += 180; // numpy's mod is non-negative
            lh[x] = (byte)h;
            ls[x] = (byte)Math.Clamp(x * r1, 0, 255);
            lv[x] = (byte)Math.Clamp(x * r2, 0, 255);
        }
        using var hsv = new Mat();
        Cv2.CvtColor(sample.Image, hsv, ColorConversionCodes.BGR2HSV);
        var ch = Cv2.Split(hsv);
        try
        {
            using var lutH = Mat.FromPixelData(1, 256, MatType.CV_8UC1, lh);
            using var lutS = Mat.FromPixelData(1, 256, MatType.CV_8UC1, ls);
            using var lutV = Mat.FromPixelData(1, 256, MatType.CV_8UC1, lv);
            Cv2.LUT(ch[0], lutH, ch[0]);
            Cv2.LUT(ch[1], lutS, ch[1]);
            Cv2.LUT(ch[2], lutV, ch[2]);
            Cv2.Merge(ch, hsv);
        }
        finally
        {
            foreach (var c in ch) c.Dispose();
        }
        Cv2.CvtColor(hsv, sample.Image, ColorConversionCodes.HSV2BGR);
    }
}
