using GhostYolo.Data;
using OpenCvSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Data;

public class ImageLoaderTests
{
    /// <summary>Writes a JPEG whose EXIF says "rotate 90° clockwise" (orientation 6).</summary>
    private static string ExifRotatedJpeg(TempDir d, string rel, int h, int w)
    {
        string p = d.Image(rel, h, w);
        var jpg = File.ReadAllBytes(p);
        byte[] tiff = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00,
            0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var app1 = new List<byte> { 0xFF, 0xE1, 0x00, (byte)(2 + 6 + tiff.Length) };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        File.WriteAllBytes(p, [.. jpg[..2], .. app1, .. jpg[2..]]);
        return p;
    }

    [Fact]
    public void ExifOrientation_IsApplied_InLoadAndScan()
    {
        using var d = new TempDir();
        string p = ExifRotatedJpeg(d, "images/a.jpg", 20, 40);
        using (var img = ImageLoader.Read(p)) Assert.Equal((40, 20), (img.Rows, img.Cols));
        var item = LabelVerifier.Verify(p, 1).Item!;
        Assert.Equal((40, 20), (item.Height, item.Width));
    }

    [Fact]
    public void GrayAnd16BitAndAlpha_BecomeBgr8()
    {
        using var d = new TempDir();
        string gray = d.File("g.png"), deep = d.File("d.png"), alpha = d.File("a.png");
        using (var m = new Mat(12, 14, MatType.CV_8UC1, Scalar.All(77))) Cv2.ImWrite(gray, m);
        using (var m = new Mat(12, 14, MatType.CV_16UC3, new Scalar(65535, 0, 32896))) Cv2.ImWrite(deep, m);
        using (var m = new Mat(12, 14, MatType.CV_8UC4, new Scalar(10, 20, 30, 0))) Cv2.ImWrite(alpha, m);
        using var g = ImageLoader.Read(gray);
        using var dd = ImageLoader.Read(deep);
        using var a = ImageLoader.Read(alpha);
        Assert.All(new[] { g, dd, a }, m => Assert.Equal(MatType.CV_8UC3, m.Type()));
        Assert.Equal(new Vec3b(77, 77, 77), g.At<Vec3b>(5, 5));
        Assert.Equal(new Vec3b(255, 0, 128), dd.At<Vec3b>(5, 5));
        Assert.Equal(new Vec3b(10, 20, 30), a.At<Vec3b>(5, 5));
    }

    [Theory]
    [InlineData(100, 51, 64, 64, 33)]   // r = 0.64: w = ceil(32.64) = 33
    [InlineData(20, 30, 64, 43, 64)]    // up-scaling: h = ceil(42.67) = 43
    [InlineData(64, 10, 64, 64, 10)]    // r = 1: unchanged
    public void Load_ResizesLongSide_WithCeil(int h0, int w0, int imgsz, int h, int w)
    {
        using var d = new TempDir();
        var (img, original, resized) = ImageLoader.Load(d.Image("x.png", h0, w0), imgsz);
        using (img)
        {
            Assert.Equal((h0, w0), original);
            Assert.Equal((h, w), resized);
            Assert.Equal((h, w), (img.Rows, img.Cols));
        }
    }

    [Fact]
    public void ImageTensor_RoundTrip_SwapsToRgb()
    {
        using var bgr = new Mat(2, 3, MatType.CV_8UC3, new Scalar(1, 2, 3));
        using var t = ImageTensor.FromBgr(bgr);
        Assert.Equal([3L, 2, 3], t.shape);
        Assert.Equal(3, t[0, 0, 0].item<byte>());   // R plane first
        Assert.Equal(1, t[2, 1, 2].item<byte>());
        using var back = ImageTensor.ToBgr(t);
        Assert.Equal(new Vec3b(1, 2, 3), back.At<Vec3b>(1, 2));
        using var stacked = ImageTensor.StackBgr([bgr, bgr]);
        Assert.Equal([2L, 3, 2, 3], stacked.shape);
    }

    [Fact]
    public void TruncatedJpeg_IsReportedNotCrashing()
    {
        using var d = new TempDir();
        Directory.CreateDirectory(d.File("images"));
        using (var m = new Mat(64, 64, MatType.CV_8UC3))
        {
            Cv2.Randu(m, Scalar.All(0), Scalar.All(255));
            Cv2.ImWrite(d.File("images/t.jpg"), m);
        }
        var bytes = File.ReadAllBytes(d.File("images/t.jpg"));
        File.WriteAllBytes(d.File("images/t.jpg"), bytes[..(bytes.Length / 2)]);
        var r = LabelVerifier.Verify(d.File("images/t.jpg"), 1);
        var problem = Assert.Single(r.Problems);
        Assert.Contains("t.jpg", problem.ToString());
        Assert.Contains(problem.Fatal ? "cannot decode" : "missing end marker", problem.Message);
    }
}
