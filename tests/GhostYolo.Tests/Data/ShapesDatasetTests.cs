using GhostYolo.Data;
using OpenCvSharp;

namespace GhostYolo.Tests.Data;

public class ShapesDatasetTests
{
    [Fact]
    public void Generate_WritesImagesLabelsYamlAndVideo()
    {
        using var d = new TempDir();
        var o = new ShapesOptions { OutDir = d.File("s"), Train = 12, Val = 4, ImgSize = 96, Classes = 5, VideoFrames = 15, Seed = 1 };
        var r = ShapesDataset.Generate(o);
        Assert.Equal(12, Directory.GetFiles(d.File("s/images/train"), "*.jpg").Length);
        Assert.Equal(12, Directory.GetFiles(d.File("s/labels/train"), "*.txt").Length);
        Assert.Equal(4, Directory.GetFiles(d.File("s/images/val"), "*.jpg").Length);
        var def = DatasetDefinition.Load(r.DataYaml);
        Assert.Equal(["circle", "square", "triangle", "star", "hexagon"], def.Names);
        var scan = LabelIndex.Scan(def, "train");
        Assert.Equal(0, scan.Corrupt);
        Assert.Equal(12, scan.Images.Count);
        Assert.True(scan.Instances > 12);
        Assert.All(scan.Images, i => Assert.All(i.Boxes, b =>
        {
            Assert.InRange(b.Cx - b.W / 2, -1e-5, 1); Assert.InRange(b.Cx + b.W / 2, 0, 1 + 1e-5);
            Assert.InRange(b.Cy - b.H / 2, -1e-5, 1); Assert.InRange(b.Cy + b.H / 2, 0, 1 + 1e-5);
        }));

        Assert.Equal(15, r.VideoFrames);
        using var cap = new VideoCapture(r.VideoPath!);
        Assert.True(cap.IsOpened());
        Assert.Equal(15, (int)cap.Get(VideoCaptureProperties.FrameCount));
        var gtFrames = File.ReadAllLines(d.File("s/video_labels.txt")).Select(l => int.Parse(l.Split(' ')[0])).Distinct().Count();
        Assert.Equal(15, gtFrames);

        // Same seed → same labels (parallel generation is order-independent).
        var again = ShapesDataset.Generate(o with { OutDir = d.File("t"), Video = false });
        foreach (var f in Directory.GetFiles(d.File("s/labels/train")))
            Assert.Equal(File.ReadAllText(f), File.ReadAllText(d.File("t/labels/train/" + Path.GetFileName(f))));
    }

    [Fact]
    public void ShapeBoxes_AreTightAroundTheDrawnPixels()
    {
        using var img = new Mat(50, 50, MatType.CV_8UC1, Scalar.All(0));
        GhostYolo.Data.ShapeRenderer.Draw(img, 1, 25, 25, 10, 0, Scalar.All(255), -1, LineTypes.Link8);
        using var pts = new Mat();
        Cv2.FindNonZero(img, pts);
        var rect = Cv2.BoundingRect(pts);
        // Square with circumradius 10 at 45° phase: half side 7.07 → about 15 px wide, centred on 25.
        Assert.InRange(rect.Width, 14, 16);
        Assert.InRange(rect.X + rect.Width / 2.0, 24, 26);
    }

    [Fact]
    public void VisibleBoxes_ALaterShapeHidesWhatItCoversOfEarlierOnes()
    {
        static Mat Rect(int x, int y, int w, int h)
        {
            var m = new Mat(40, 60, MatType.CV_8UC1, Scalar.All(0));
            m[new OpenCvSharp.Rect(x, y, w, h)].SetTo(Scalar.All(255));
            return m;
        }
        using var back = Rect(10, 10, 20, 20);    // drawn first
        using var front = Rect(20, 5, 20, 30);    // covers the right half of the first
        using var hidden = Rect(22, 12, 5, 5);    // drawn before front and entirely under it
        var boxes = ShapesDataset.VisibleBoxes([(0, back), (2, hidden), (1, front)]);
        Assert.Equal([(0, new OpenCvSharp.Rect(10, 10, 10, 20)), (1, new OpenCvSharp.Rect(20, 5, 20, 30))], boxes);
        Assert.Equal(400, Cv2.CountNonZero(back));   // the masks themselves are untouched
    }
}
