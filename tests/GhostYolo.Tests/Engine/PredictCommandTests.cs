using System.CommandLine;
using GhostYolo.Cli.Commands;
using GhostYolo.Tests.Data;
using OpenCvSharp;

namespace GhostYolo.Tests.Engine;

public class PredictCommandTests(PredictFixture fx) : IClassFixture<PredictFixture>
{
    private static int Detect(params string[] args)
    {
        var root = new RootCommand { DetectCommand.Create() };
        return root.Parse(["detect", "--model", "yolov8n.yaml", "--nc", "4", "--imgsz", "160", .. args]).Invoke();
    }

    [Fact]
    public void Video_WritesAnAnnotatedVideoWithTheSameFramesSizeAndFps()
    {
        using var d = new TempDir();
        Assert.Equal(0, Detect("--source", fx.Video, "--project", d.Path, "--name", "predict"));
        PredictorTests.AssertVideo(Path.Combine(d.Path, "predict", "video.mp4"), PredictFixture.VideoFrames, 128, 96, PredictFixture.VideoFps);
    }

    [Fact]
    public void FolderAndSingleImage_WriteTheSameNumberOfImages_IntoNumberedRuns()
    {
        using var d = new TempDir();
        Assert.Equal(0, Detect("--source", fx.ImagesDir, "--project", d.Path, "--conf", "0", "--max-det", "4"));
        var inputs = Directory.GetFiles(fx.ImagesDir).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(inputs, Directory.GetFiles(Path.Combine(d.Path, "predict")).Select(Path.GetFileName).Order());
        using (var orig = Cv2.ImRead(Directory.GetFiles(fx.ImagesDir).Order().First()))
        using (var annotated = Cv2.ImRead(Path.Combine(d.Path, "predict", inputs[0]!)))
            Assert.Equal(orig.Size(), annotated.Size());

        string one = Directory.GetFiles(fx.ImagesDir).Order().Last();
        Assert.Equal(0, Detect("--source", one, "--project", d.Path));
        Assert.Equal([Path.GetFileName(one)], Directory.GetFiles(Path.Combine(d.Path, "predict2")).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveTxt_WritesOneLabelFilePerImage()
    {
        using var d = new TempDir();
        Assert.Equal(0, Detect("--source", fx.ImagesDir, "--project", d.Path, "--save-txt", "--save-conf", "--conf", "0", "--max-det", "3", "--classes", "0,1,2,3"));
        var labels = Directory.GetFiles(Path.Combine(d.Path, "predict", "labels"));
        Assert.Equal(PredictFixture.ImageCount, labels.Length);
        Assert.All(labels, l => Assert.Equal(3, File.ReadAllLines(l).Length));
    }

    [Fact]
    public void MissingSource_CorruptVideo_AbsentWebcam_BadClasses_ExitWithTwo()
    {
        using var d = new TempDir();
        string corrupt = d.File("x.mp4");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 4096).Select(i => (byte)(i * 13 + 1)).ToArray());
        Assert.Equal(2, Detect("--source", d.File("nothing-here.jpg"), "--project", d.Path));
        Assert.Equal(2, Detect("--source", corrupt, "--project", d.Path));
        Assert.Equal(2, Detect("--source", "9", "--project", d.Path));
        Assert.Equal(2, Detect("--source", fx.ImagesDir, "--classes", "0,x", "--project", d.Path));
        // Nothing ran, so no run folder was created.
        Assert.False(Directory.Exists(Path.Combine(d.Path, "predict")));
    }

    [Fact]
    public void ParseClasses_AcceptsCommasAndSpaces()
    {
        Assert.Equal([0, 2, 5], DetectCommand.ParseClasses("0,2, 5"));
        Assert.Null(DetectCommand.ParseClasses(null));
        Assert.Throws<ArgumentException>(() => DetectCommand.ParseClasses("a"));
    }
}
