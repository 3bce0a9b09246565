using System.CommandLine;
using System.Globalization;
using GhostYolo.Cli.Commands;
using GhostYolo.Data;
using GhostYolo.Tracking.Metrics;
using OpenCvSharp;

namespace GhostYolo.Tests.Data;

/// <summary>The default sequence (300 frames, 320×240, seed 0), generated once for the tests that need its length.</summary>
public sealed class DefaultSequenceFixture : IDisposable
{
    public TempDir Dir { get; } = new();
    public SequenceResult Result { get; }
    public List<GtRow> Rows { get; }

    public DefaultSequenceFixture()
    {
        Result = ShapesSequence.Write(Dir.File("shapes-seq"), new SequenceOptions());
        Rows = GtRow.Read(Result.GtPath);
    }

    public void Dispose() => Dir.Dispose();
}

/// <summary>One parsed <c>gt.txt</c> row: <c>frame,id,x,y,w,h,conf,class,visibility</c>.</summary>
public sealed record GtRow(int Frame, int Id, int X, int Y, int W, int H, int Conf, int Class, double Visibility)
{
    public static List<GtRow> Read(string path) => [.. File.ReadAllLines(path).Select(line =>
    {
        var c = line.Split(',');
        Assert.Equal(9, c.Length);
        int I(int k) => int.Parse(c[k], CultureInfo.InvariantCulture);
        return new GtRow(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), double.Parse(c[8], CultureInfo.InvariantCulture));
    })];
}

public class ShapesSequenceTests(DefaultSequenceFixture seq) : IClassFixture<DefaultSequenceFixture>
{
    private static readonly SequenceOptions Small = new() { Frames = 40, Fps = 25, Width = 160, Height = 120, Seed = 7 };

    [Fact]
    public void DefaultSequence_Has10To15Objects_AndAtLeast20Crossings()
    {
        var r = seq.Result;
        Assert.Equal(300, r.Frames);
        Assert.InRange(r.Objects, 10, 15);
        Assert.Equal(r.Objects, seq.Rows.Select(g => g.Id).Distinct().Count());
        Assert.Equal(r.Rows, seq.Rows.Count);
        Assert.True(r.Crossings.Count >= 20, $"{r.Crossings.Count} crossings");
        // Cross-check against the per-frame states: where the front covers more than half of the back, less than half of
        // the back shows, and the back is drawn behind the front.
        var states = r.States.ToDictionary(s => (s.Frame, s.Id));
        foreach (var c in r.Crossings)
        {
            Assert.True(c.CoveredFrames >= ShapesSequence.CrossingFrames);
            for (int f = c.FirstFrame; f <= c.LastFrame; f++)
                Assert.True(states[(f, c.Back)].VisiblePixels * 2 < states[(f, c.Back)].Pixels, $"frame {f}: {c}");
        }
        // Shapes enter after the start and leave before the end.
        var spans = seq.Rows.GroupBy(g => g.Id).Select(g => (First: g.Min(x => x.Frame), Last: g.Max(x => x.Frame))).ToList();
        Assert.Contains(spans, s => s.First > 1);
        Assert.Contains(spans, s => s.Last < 300);
    }

    [Fact]
    public void GtRows_AreVisibleBoxesInsideTheFrame_OnePerObjectAndFrame()
    {
        Assert.NotEmpty(seq.Rows);
        Assert.All(seq.Rows, g =>
        {
            Assert.InRange(g.Frame, 1, 300);
            Assert.True(g.Id >= 1);
            Assert.True(g.X >= 0 && g.Y >= 0 && g.X + g.W <= 320 && g.Y + g.H <= 240, $"{g} outside 320×240");
            Assert.True(g.W >= 3 && g.H >= 3);
            Assert.Equal(1, g.Conf);
            Assert.InRange(g.Class, 1, 4);
            Assert.InRange(g.Visibility, 1e-4, 1.0);
        });
        Assert.Equal(seq.Rows.Count, seq.Rows.Select(g => (g.Frame, g.Id)).Distinct().Count());
        // Each row lies on its object: within the square around the shape's circumcircle in that frame.
        var states = seq.Result.States.ToDictionary(s => (s.Frame, s.Id));
        Assert.All(seq.Rows, g =>
        {
            var s = states[(g.Frame, g.Id)];
            Assert.True(g.X >= s.X - s.Radius - 1 && g.X + g.W <= s.X + s.Radius + 2 && g.Y >= s.Y - s.Radius - 1 && g.Y + g.H <= s.Y + s.Radius + 2, $"{g} vs {s}");
        });
        // Some objects are partly hidden or partly outside.
        Assert.Contains(seq.Rows, g => g.Visibility < 0.5);

        // The evaluator of `track --eval` reads the files as they are.
        var info = SeqInfo.Read(SeqInfo.FindFor(seq.Result.GtPath)!);
        Assert.Equal(new SeqInfo(300, "shapes-seq", "img1", 30, 320, 240, ".jpg"), info);
        Assert.Equal(seq.Rows.Count, MotText.Read(seq.Result.GtPath, info.SeqLength).Count);
    }

    [Fact]
    public void AnObjectHiddenByAnother_HasNoRowsWhileHidden_AndTheSameIdAfter()
    {
        var rowAt = seq.Rows.ToDictionary(g => (g.Frame, g.Id));
        // Fully hidden: the whole shape is inside the frame and none of it shows.
        var hidden = seq.Result.States.Where(s => s.Pixels > 0 && s.FramePixels == s.Pixels && s.VisiblePixels == 0).ToList();
        Assert.NotEmpty(hidden);
        int reappeared = 0;
        foreach (var h in hidden)
        {
            Assert.False(rowAt.ContainsKey((h.Frame, h.Id)), $"row for hidden object {h.Id} in frame {h.Frame}");
            var before = seq.Rows.Where(g => g.Id == h.Id && g.Frame < h.Frame).MaxBy(g => g.Frame);
            var after = seq.Rows.Where(g => g.Id == h.Id && g.Frame > h.Frame).MinBy(g => g.Frame);
            if (before is null || after is null) continue;
            reappeared++;
            // The row after the occlusion is on the same physical object.
            var s = seq.Result.States.Single(x => x.Frame == after.Frame && x.Id == h.Id);
            Assert.InRange(after.X + after.W / 2.0, s.X - s.Radius - 1, s.X + s.Radius + 1);
            Assert.InRange(after.Y + after.H / 2.0, s.Y - s.Radius - 1, s.Y + s.Radius + 1);
        }
        Assert.True(reappeared > 0, "no object reappears after being hidden");
    }

    [Fact]
    public void SmallSequence_VideoFramesImagesAndSeqinfo()
    {
        using var d = new TempDir();
        var r = ShapesSequence.Write(d.File("MOT-shapes"), Small with { Images = true });
        Assert.Equal(40, r.Frames);
        Assert.True(File.Exists(d.File("MOT-shapes/gt/gt.txt")));
        Assert.Equal(d.File("MOT-shapes/video.mp4"), r.VideoPath);

        using (var cap = new VideoCapture(r.VideoPath))
        {
            Assert.True(cap.IsOpened());
            int frames = 0;
            using var m = new Mat();
            while (cap.Read(m) && !m.Empty())
            {
                frames++;
                Assert.Equal(new Size(160, 120), m.Size());
            }
            Assert.Equal(40, frames);
        }
        var jpgs = Directory.GetFiles(r.ImageDir!, "*.jpg").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(40, jpgs.Count);
        Assert.Equal("000001.jpg", jpgs[0]);
        Assert.Equal("000040.jpg", jpgs[^1]);

        var ini = File.ReadAllLines(r.SeqInfoPath);
        Assert.Equal("[Sequence]", ini[0]);
        var kv = ini.Skip(1).Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("MOT-shapes", kv["name"]);
        Assert.Equal("img1", kv["imDir"]);
        Assert.Equal("25", kv["frameRate"]);
        Assert.Equal("40", kv["seqLength"]);
        Assert.Equal("160", kv["imWidth"]);
        Assert.Equal("120", kv["imHeight"]);
        Assert.Equal(".jpg", kv["imExt"]);

        var rows = GtRow.Read(r.GtPath);
        Assert.All(rows, g => Assert.True(g.X >= 0 && g.Y >= 0 && g.X + g.W <= 160 && g.Y + g.H <= 120));
        Assert.Equal(rows.OrderBy(g => g.Frame).ThenBy(g => g.Id), rows); // by frame, then id
    }

    [Fact]
    public void SameSeed_SameSequence_OtherSeed_Other()
    {
        using var d = new TempDir();
        var a = ShapesSequence.Write(d.File("a"), Small);
        var b = ShapesSequence.Write(d.File("b"), Small);
        var c = ShapesSequence.Write(d.File("c"), Small with { Seed = 8 });
        Assert.Equal(File.ReadAllText(a.GtPath), File.ReadAllText(b.GtPath));
        Assert.Equal(a.Crossings, b.Crossings);
        Assert.NotEqual(File.ReadAllText(a.GtPath), File.ReadAllText(c.GtPath));
    }

    [Fact]
    public void Write_NamesTheVideoItCannotOpen()
    {
        using var d = new TempDir();
        Directory.CreateDirectory(d.File("seq/video.mp4")); // a folder where the video should go
        var e = Assert.Throws<IOException>(() => ShapesSequence.Write(d.File("seq"), Small with { Frames = 3 }));
        Assert.Contains(d.File("seq/video.mp4"), e.Message);
    }

    [Fact]
    public void Dataset_WritesTheSequenceInTrack_UnlessTold()
    {
        using var d = new TempDir();
        var o = new ShapesOptions { OutDir = d.File("s"), Train = 2, Val = 1, ImgSize = 96, Video = false, TrackFrames = 30, TrackFps = 15, Seed = 2 };
        var r = ShapesDataset.Generate(o);
        Assert.NotNull(r.Track);
        Assert.Equal(d.File("s/track"), r.Track.Dir);
        Assert.Equal(30, r.Track.Frames);
        Assert.Contains("seqLength=30", File.ReadAllText(d.File("s/track/seqinfo.ini")));
        Assert.Contains("imWidth=96", File.ReadAllText(d.File("s/track/seqinfo.ini")));
        Assert.Contains("imHeight=72", File.ReadAllText(d.File("s/track/seqinfo.ini")));
        Assert.All(GtRow.Read(r.Track.GtPath), g => Assert.InRange(g.Class, 1, 4));

        var none = ShapesDataset.Generate(o with { OutDir = d.File("t"), TrackFrames = 0 });
        Assert.Null(none.Track);
        Assert.False(Directory.Exists(d.File("t/track")));
    }

    [Fact]
    public void Cli_DatasetShapes_WritesTheSequence_WithItsLengthAndRate()
    {
        using var d = new TempDir();
        static int Run(params string[] args) => new RootCommand { DatasetCommand.Create() }.Parse(args).Invoke();
        string outDir = d.File("shapes");
        Assert.Equal(0, Run("dataset", "shapes", "--out", outDir, "--train", "2", "--val", "1", "--imgsz", "64", "--no-video", "--track-frames", "20", "--track-fps", "10"));
        var ini = File.ReadAllText(Path.Combine(outDir, "track/seqinfo.ini"));
        Assert.Contains("seqLength=20", ini);
        Assert.Contains("frameRate=10", ini);
        Assert.True(File.Exists(Path.Combine(outDir, "track/gt/gt.txt")));

        Assert.Equal(0, Run("dataset", "shapes", "--out", d.File("none"), "--train", "1", "--val", "1", "--imgsz", "64", "--no-video", "--track-frames", "0"));
        Assert.False(Directory.Exists(d.File("none/track")));
        Assert.Equal(2, Run("dataset", "shapes", "--out", d.File("bad"), "--track-frames", "-1"));
    }
}
