using GhostYolo.Engine.Sources;
using GhostYolo.Tests.Data;
using OpenCvSharp;

namespace GhostYolo.Tests.Engine;

public class SourcesTests
{
    private static string Video(TempDir d, string name, int frames, double fps, int w = 64, int h = 48)
    {
        string path = d.File(name);
        using var writer = new VideoWriter(path, FourCC.FromString("mp4v"), fps, new Size(w, h));
        for (int i = 0; i < frames; i++)
        {
            using var m = new Mat(h, w, MatType.CV_8UC3, new Scalar(i * 10, 100, 200));
            writer.Write(m);
        }
        return path;
    }

    [Fact]
    public void Folder_IsSortedImagesAndVideos_OtherFilesIgnored()
    {
        using var d = new TempDir();
        d.Image("b.jpg", 20, 30);
        d.Image("a.png", 10, 12);
        d.Text("notes.txt", "x");
        Video(d, "c.mp4", 3, 10);
        using var s = FrameSources.Open(d.Path);
        var fs = Assert.IsType<FileSource>(s);
        Assert.Equal(["a.png", "b.jpg", "c.mp4"], fs.Paths.Select(Path.GetFileName));
        var frames = s.ReadFrames().ToList();
        try
        {
            Assert.Equal(5, frames.Count);
            Assert.Equal((10, 12), (frames[0].Image.Rows, frames[0].Image.Cols));
            Assert.Equal(SourceKind.Image, frames[1].Kind);
            Assert.Equal([SourceKind.Video, SourceKind.Video, SourceKind.Video], frames.Skip(2).Select(f => f.Kind));
            Assert.Equal([0, 1, 2], frames.Skip(2).Select(f => f.FrameIndex));
            Assert.All(frames, f => Assert.Equal(3, f.SourceCount));
            Assert.Equal(3, frames[4].FrameCount);
        }
        finally { foreach (var f in frames) f.Dispose(); }
    }

    [Fact]
    public void GlobAndTxtList_ResolveRelativePaths()
    {
        using var d = new TempDir();
        d.Image("imgs/x1.jpg", 8, 8);
        d.Image("imgs/x2.jpg", 8, 8);
        d.Image("imgs/y.png", 8, 8);
        Assert.Equal(["x1.jpg", "x2.jpg"], FrameSources.ResolveFiles(d.File("imgs/*.jpg")).Select(Path.GetFileName));
        string list = d.Text("list.txt", "imgs/y.png\n\n# comment\nimgs/x1.jpg\n");
        Assert.Equal([d.File("imgs/y.png"), d.File("imgs/x1.jpg")], FrameSources.ResolveFiles(list));
        var e = Assert.Throws<FileNotFoundException>(() => FrameSources.ResolveFiles(d.Text("bad.txt", "imgs/nope.jpg\n")));
        Assert.Contains("bad.txt:1", e.Message);
    }

    [Fact]
    public void VideoStride_ReadsEveryNthFrame_AndDividesFps()
    {
        using var d = new TempDir();
        string v = Video(d, "v.mp4", 10, 20);
        using var s = FrameSources.Open(v, vidStride: 3);
        var frames = s.ReadFrames().ToList();
        try
        {
            // Frames 3, 6, 9 (1-based) of 10; frame count int(10 / 3) = 3, output fps 20 / 3.
            Assert.Equal(3, frames.Count);
            Assert.All(frames, f => Assert.Equal(3, f.FrameCount));
            Assert.Equal(20.0 / 3, frames[0].Fps, 6);
            // Frame k was written with blue = 10·k; mp4v is lossy, so compare loosely.
            Assert.InRange(frames[0].Image.Mean().Val0, 17, 23);
            Assert.InRange(frames[1].Image.Mean().Val0, 47, 53);
        }
        finally { foreach (var f in frames) f.Dispose(); }
    }

    [Fact]
    public void MissingSource_NamesWhatWasTried()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FrameSources.Open("/nonexistent/thing.jpg"));
        Assert.Equal("source '/nonexistent/thing.jpg' not found: not a file, folder, glob, list, video or webcam index", e.Message);
    }

    [Fact]
    public void CorruptVideo_IsInvalidDataNamingTheFile()
    {
        using var d = new TempDir();
        string path = d.File("x.mp4");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => FrameSources.Open(path));
        Assert.StartsWith(path + ": cannot open the video", e.Message);
    }

    [Fact]
    public void AbsentWebcam_FailsAtOnce()
    {
        var e = Assert.Throws<InvalidDataException>(() => FrameSources.Open("9"));
        Assert.StartsWith("webcam 9 cannot be opened", e.Message);
    }

    [Fact]
    public void UnsupportedFile_IsNotSupported()
    {
        using var d = new TempDir();
        var e = Assert.Throws<NotSupportedException>(() => FrameSources.Open(d.Text("model.onnx", "x")));
        Assert.Contains("neither an image nor a video", e.Message);
    }

    [Fact]
    public void EmptyFolder_IsNotFound()
    {
        using var d = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => FrameSources.Open(d.Path));
        Assert.Contains("has no images or videos", e.Message);
    }
}
