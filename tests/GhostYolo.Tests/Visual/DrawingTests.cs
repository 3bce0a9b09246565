using GhostYolo.Data;
using GhostYolo.Tests.Data;
using GhostYolo.Visual;
using OpenCvSharp;

namespace GhostYolo.Tests.Visual;

public class DrawingTests
{
    [Fact]
    public void Palette_MatchesUltralytics()
    {
        Assert.Equal(new Scalar(255, 42, 4), Palette.Bgr(0));        // 042AFF as BGR
        Assert.Equal((byte)0x0B, Palette.Rgb(1).R);
        Assert.Equal(Palette.Bgr(0), Palette.Bgr(20));
        Assert.Equal(Palette.DarkText, Palette.TextColor(1));
        Assert.Equal(Palette.DarkText, Palette.TextColor(19));
        Assert.Equal(Palette.WhiteText, Palette.TextColor(0));
        Assert.Equal(Palette.WhiteText, Palette.TextColor(4));
        Assert.Equal(Palette.DarkText, Palette.TextColor(Palette.Bgr(12)));
    }

    [Theory]
    [InlineData(480, 640, 2)]
    [InlineData(720, 1280, 3)]
    [InlineData(1080, 1920, 5)]
    [InlineData(64, 64, 2)]
    public void LineWidth_Rule(int h, int w, int expected) => Assert.Equal(expected, Drawing.LineWidth(h, w));

    [Fact]
    public void Label_Format() => Assert.Equal("cat 0.87", Drawing.Label("cat", 0.8712f));

    [Fact]
    public void BoxLabel_DrawsBoxAndLabelAboveOrInside()
    {
        using var img = new Mat(100, 100, MatType.CV_8UC3, Scalar.All(0));
        var blue = Palette.Bgr(0);
        Drawing.Boxes(img, [new DrawBox(10, 30, 60, 80, 0, 0.9f), new DrawBox(20, 0, 50, 40, 0)], ["a"], lineWidth: 2);
        Assert.Equal(new Vec3b(255, 42, 4), img.At<Vec3b>(55, 10));   // left edge of first box
        Assert.Equal(new Vec3b(255, 42, 4), img.At<Vec3b>(28, 11));   // label background above it (y1 = 30 ≥ text height)
        Assert.Equal(new Vec3b(255, 42, 4), img.At<Vec3b>(3, 21));    // second box at the top: label inside
        Assert.Equal(new Vec3b(0, 0, 0), img.At<Vec3b>(60, 40));      // inside the first box stays untouched
        Assert.Equal(blue.Val0, img.At<Vec3b>(55, 10).Item0);
    }

    [Fact]
    public void LabelsPlot_RendersAndSaves()
    {
        using var d = new TempDir();
        var boxes = new[] { new NormBox(0, 0.5f, 0.5f, 0.2f, 0.3f), new NormBox(1, 0.2f, 0.7f, 0.1f, 0.1f), new NormBox(1, 0.8f, 0.1f, 0.3f, 0.2f) };
        using var img = LabelsPlot.Render(boxes, ["a", "b"]);
        Assert.Equal((800, 800), (img.Rows, img.Cols));
        // The tallest bar (class 1, 2 instances) is drawn in palette colour 1.
        var c1 = Palette.Bgr(1);
        Assert.Equal(new Vec3b((byte)c1.Val0, (byte)c1.Val1, (byte)c1.Val2), img.At<Vec3b>(300, 300));
        string path = d.File("out/labels.jpg");
        LabelsPlot.Save(path, boxes, ["a", "b"]);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void BatchPlot_GridWithBoxes()
    {
        var chw = new byte[3 * 32 * 32];
        var samples = new[]
        {
            new FormattedSample(chw, 32, 32, [0, 0.5f, 0.5f, 0.5f, 0.5f], new ImageInfo("a.jpg", (32, 32), (32, 32), null)),
            new FormattedSample(chw, 32, 32, [], new ImageInfo("b.jpg", (32, 32), (32, 32), null)),
            new FormattedSample(chw, 32, 32, [3, 0.25f, 0.25f, 0.25f, 0.25f], new ImageInfo("c.jpg", (32, 32), (32, 32), null)),
        };
        using var batch = GhostYolo.Data.Loader.Collate(samples);
        using var img = BatchPlot.Render(batch, ["p", "q", "r", "s"]);
        Assert.Equal((64, 64), (img.Rows, img.Cols));      // ceil(√3) = 2 tiles per side
        var edge = img.At<Vec3b>(16, 8);                    // class 0 box left edge in tile 0 (anti-aliased, 1 px)
        Assert.True(edge.Item0 > 200 && edge.Item2 < 100, edge.ToString());
        Assert.Equal(new Vec3b(255, 255, 255), img.At<Vec3b>(48, 48)); // empty 4th tile stays white
    }
}
