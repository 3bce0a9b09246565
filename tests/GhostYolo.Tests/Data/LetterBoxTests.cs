using GhostYolo.Data;
using GhostYolo.Data.Transforms;
using OpenCvSharp;

namespace GhostYolo.Tests.Data;

public class LetterBoxTests
{
    [Fact]
    public void Auto_720p_Gives640x384_With12PxBands()
    {
        var info = new LetterBox(640, auto: true).Plan(720, 1280, 640, 640);
        Assert.Equal((384, 640), (info.Height, info.Width));
        Assert.Equal((0, 12), (info.Left, info.Top));
        Assert.Equal(0.5, info.RatioW);
        Assert.Equal(12.0, info.Dh);
        Assert.Equal((0.5, 0.0, 12.0), info.RatioPad);
        Assert.Equal((100.0, 0.0), info.ToInput(50, 12));
    }

    [Fact]
    public void OddPad_PutsExtraPixelRightAndBottom()
    {
        // r = 0.64, w 51 → round(32.64) = 33, dw = 31 → 15.5 → left round(15.4) = 15, right round(15.6) = 16.
        using var img = new Mat(100, 51, MatType.CV_8UC3, Scalar.All(0));
        using var outImg = new LetterBox(64).Apply(img, out var info);
        Assert.Equal((64, 64), (outImg.Rows, outImg.Cols));
        Assert.Equal(15, info.Left);
        Assert.Equal(15.5, info.Dw);
        Assert.Equal(114, outImg.At<Vec3b>(32, 14).Item0);
        Assert.Equal(0, outImg.At<Vec3b>(32, 15).Item0);
        Assert.Equal(0, outImg.At<Vec3b>(32, 47).Item0);
        Assert.Equal(114, outImg.At<Vec3b>(32, 48).Item0);
    }

    [Fact]
    public void PythonRounding_HalfToEven()
    {
        // w = 65, r = 0.5 → 32.5 → 32 (banker's), dw = 32 → 16 / 16.
        var info = new LetterBox(64).Plan(128, 65, 64, 64);
        Assert.Equal(16, info.Left);
        Assert.Equal(64, info.Width);
    }

    [Fact]
    public void ScaleFill_And_NoScaleUp()
    {
        var fill = new LetterBox(64, scaleFill: true).Plan(100, 50, 64, 64);
        Assert.Equal((1.28, 0.64), (fill.RatioW, fill.RatioH));
        Assert.Equal((0, 0), (fill.Left, fill.Top));
        var noUp = new LetterBox(64, scaleUp: false).Plan(32, 32, 64, 64);
        Assert.Equal(1.0, noUp.RatioW);
        Assert.Equal((16, 16, 64, 64), (noUp.Left, noUp.Top, noUp.Height, noUp.Width));
    }

    [Theory]
    [InlineData(300, 200, 640, false)]
    [InlineData(77, 413, 320, false)]
    [InlineData(720, 1280, 640, true)]
    public void BoxRoundTrip_Within1Px(int h, int w, int size, bool auto)
    {
        var rng = new Random(h * 31 + w);
        var boxes = Enumerable.Range(0, 20).Select(_ =>
        {
            float x1 = (float)(rng.NextDouble() * (w - 5)), y1 = (float)(rng.NextDouble() * (h - 5));
            return new LabelBox(1, x1, y1, x1 + 1 + (float)rng.NextDouble() * (w - x1 - 1), y1 + 1 + (float)rng.NextDouble() * (h - y1 - 1));
        }).ToList();
        using var s = new Sample { Image = new Mat(h, w, MatType.CV_8UC3, Scalar.All(7)), Boxes = [.. boxes], Original = (h, w), Resized = (h, w), RatioPad = (1, 0, 0) };
        var lb = new LetterBox(size, auto: auto);
        lb.Apply(s, new Random(0));
        var info = lb.Plan(h, w, size, size);
        Assert.Equal((info.Height, info.Width), (s.Image.Rows, s.Image.Cols));
        var (gain, padW, padH) = s.RatioPad!.Value;
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = s.Boxes[i];
            var (x1, y1) = info.ToInput(b.X1, b.Y1);
            var (x2, y2) = info.ToInput(b.X2, b.Y2);
            Assert.InRange(Math.Abs(x1 - boxes[i].X1), 0, 1); Assert.InRange(Math.Abs(y1 - boxes[i].Y1), 0, 1);
            Assert.InRange(Math.Abs(x2 - boxes[i].X2), 0, 1); Assert.InRange(Math.Abs(y2 - boxes[i].Y2), 0, 1);
            // RatioPad (validation bookkeeping) maps back the same way.
            Assert.InRange(Math.Abs((b.X1 - padW) / gain - boxes[i].X1), 0, 1);
            Assert.InRange(Math.Abs((b.Y2 - padH) / gain - boxes[i].Y2), 0, 1);
        }
    }
}
