using GhostYolo.Data;

namespace GhostYolo.Tests.Data;

public class LabelIndexTests
{
    private static string Img(TempDir d, string name, int h = 40, int w = 60) => d.Image($"images/train/{name}.png", h, w);
    private static void Lbl(TempDir d, string name, string text) => d.Text($"labels/train/{name}.txt", text);

    [Fact]
    public void Scan_CountsEveryCase_AndNamesFileAndLine()
    {
        using var d = new TempDir();
        Img(d, "good"); Lbl(d, "good", "0 0.5 0.5 0.2 0.4\n\n1 0.25 0.25 0.1 0.1\n");
        Img(d, "missing");
        Img(d, "empty"); Lbl(d, "empty", "\n");
        Img(d, "tiny", 5, 30); Lbl(d, "tiny", "0 0.5 0.5 0.1 0.1\n");
        d.Text("images/train/garbage.jpg", "this is not a jpeg");
        Img(d, "cols"); Lbl(d, "cols", "0 0.5 0.5 0.1 0.1\n0 0.5 0.5 0.1\n");
        Img(d, "oob"); Lbl(d, "oob", "0 0.5 1.2 0.1 0.1\n");
        Img(d, "neg"); Lbl(d, "neg", "0 0.5 0.5 0.1 0.1\n0 -0.3 0.5 0.1 0.1\n1 0.5 0.5 0.1 0.1\n");
        Img(d, "clsnc"); Lbl(d, "clsnc", "2 0.5 0.5 0.1 0.1\n");
        Img(d, "nan"); Lbl(d, "nan", "0 0.5 abc 0.1 0.1\n");
        Img(d, "dup"); Lbl(d, "dup", "1 0.5 0.5 0.2 0.2\n0 0.3 0.3 0.1 0.1\n1 0.5 0.5 0.2 0.2\n");
        Img(d, "poly"); Lbl(d, "poly", "1 0.1 0.2 0.5 0.2 0.3 0.6\n");
        Img(d, "round"); Lbl(d, "round", "0 0.5 0.5 1.0004 0.2\n");

        var paths = ImageFiles.ExpandAll([d.File("images/train")]);
        var index = LabelIndex.Scan(paths, nc: 2);

        Assert.Equal(13, paths.Count);
        // corrupt: tiny, garbage, cols, oob, neg, clsnc, nan; usable: good, missing, empty, dup, poly, round.
        Assert.Equal(7, index.Corrupt);
        Assert.Equal(5, index.Found);
        Assert.Equal(1, index.Missing);
        Assert.Equal(1, index.Empty);
        Assert.Equal(6, index.Images.Count);
        Assert.Equal("5 images, 2 backgrounds, 7 corrupt", index.Counts);
        Assert.Equal($"train: Scanning {d.File("labels/train")}... 5 images, 2 backgrounds, 7 corrupt", index.Summary("train"));

        void Problem(string file, int? line, string text)
        {
            var p = Assert.Single(index.Problems, p => p.File == d.File(file) && p.Fatal == (text != "duplicate"));
            Assert.Equal(line, p.Line);
            Assert.Contains(text, p.ToString());
            Assert.Contains(d.File(file), p.ToString());
        }
        Problem("images/train/tiny.png", null, "<10 pixels");
        Problem("images/train/garbage.jpg", null, "cannot decode");
        Problem("labels/train/cols.txt", 2, "4 columns");
        Problem("labels/train/oob.txt", 1, "out of bounds");
        Problem("labels/train/neg.txt", 2, "negative");
        Problem("labels/train/clsnc.txt", 1, "exceeds dataset class count 2");
        Problem("labels/train/nan.txt", 1, "'abc' is not a number");
        Problem("labels/train/dup.txt", null, "duplicate");

        LabeledImage Item(string name) => index.Images.Single(i => i.ImagePath == d.File($"images/train/{name}.png"));
        Assert.Equal(40, Item("good").Height);
        Assert.Equal(60, Item("good").Width);
        Assert.Equal([new NormBox(0, 0.5f, 0.5f, 0.2f, 0.4f), new NormBox(1, 0.25f, 0.25f, 0.1f, 0.1f)], Item("good").Boxes);
        Assert.Empty(Item("missing").Boxes);
        Assert.Empty(Item("empty").Boxes);
        Assert.Equal([new NormBox(0, 0.3f, 0.3f, 0.1f, 0.1f), new NormBox(1, 0.5f, 0.5f, 0.2f, 0.2f)], Item("dup").Boxes);
        var poly = Assert.Single(Item("poly").Boxes);
        Assert.Equal(1, poly.Class);
        Assert.Equal(0.3f, poly.Cx, 5); Assert.Equal(0.4f, poly.Cy, 5); Assert.Equal(0.4f, poly.W, 5); Assert.Equal(0.4f, poly.H, 5);
        Assert.Equal(1f, Assert.Single(Item("round").Boxes).W);

        // The cache keeps counts and every message.
        var cached = LabelIndex.Scan(paths, nc: 2);
        Assert.True(cached.FromCache);
        Assert.Equal(index.Counts, cached.Counts);
        Assert.Equal(index.Problems, cached.Problems);
        Assert.Equal(index.Images.Select(i => i.ImagePath), cached.Images.Select(i => i.ImagePath));
    }

    [Fact]
    public void Cache_IsReused_AndInvalidatedBySizeMtimeOrNewFile()
    {
        using var d = new TempDir();
        Img(d, "a"); Lbl(d, "a", "0 0.5 0.5 0.2 0.4\n");
        Img(d, "b");
        var paths = ImageFiles.ExpandAll([d.File("images/train")]);
        var first = LabelIndex.Scan(paths, 1);
        Assert.False(first.FromCache);
        Assert.Equal(d.File("labels/train.ghostyolo.cache"), first.CachePath);
        Assert.True(File.Exists(first.CachePath));

        var second = LabelIndex.Scan(paths, 1);
        Assert.True(second.FromCache);
        Assert.Equal(first.Images, second.Images, (x, y) => x.ImagePath == y.ImagePath && x.Boxes.SequenceEqual(y.Boxes) && x.Height == y.Height);
        Assert.Equal((1, 1, 0, 0), (second.Found, second.Missing, second.Empty, second.Corrupt));

        // Size change.
        Lbl(d, "a", "0 0.5 0.5 0.2 0.4\n0 0.1 0.1 0.1 0.1\n");
        var third = LabelIndex.Scan(paths, 1);
        Assert.False(third.FromCache);
        Assert.Equal(2, third.Images.Single(i => i.ImagePath.EndsWith("a.png")).Boxes.Length);
        Assert.True(LabelIndex.Scan(paths, 1).FromCache);

        // Same size, new mtime.
        File.SetLastWriteTimeUtc(d.File("labels/train/a.txt"), DateTime.UtcNow.AddMinutes(-5));
        Assert.False(LabelIndex.Scan(paths, 1).FromCache);

        // A label appears for a background image.
        Lbl(d, "b", "0 0.5 0.5 0.5 0.5\n");
        var fourth = LabelIndex.Scan(paths, 1);
        Assert.False(fourth.FromCache);
        Assert.Equal(0, fourth.Missing);

        // Different class count changes validity too.
        Assert.False(LabelIndex.Scan(paths, 3).FromCache);
    }

    [Fact]
    public void Other_tools_caches_are_left_alone()
    {
        using var d = new TempDir();
        Img(d, "a"); Lbl(d, "a", "0 0.5 0.5 0.2 0.4\n");
        // ultralytics 8.2 and yolov5 keep a numpy pickle at labels/train.cache; GhostYolo must neither read nor overwrite it.
        var theirs = d.Text("labels/train.cache", "not a GhostYolo cache");
        var paths = ImageFiles.ExpandAll([d.File("images/train")]);
        var index = LabelIndex.Scan(paths, 1);
        Assert.Equal(1, index.Found);
        Assert.NotEqual(theirs, index.CachePath);
        Assert.Equal("not a GhostYolo cache", File.ReadAllText(theirs));
        Assert.True(LabelIndex.Scan(paths, 1).FromCache);
        Assert.Equal("not a GhostYolo cache", File.ReadAllText(theirs));
    }

    [Fact]
    public void Scan_FromDefinition_UsesSplitFolders()
    {
        using var d = new TempDir();
        Img(d, "a"); Lbl(d, "a", "0 0.5 0.5 0.2 0.4\n");
        d.Image("images/val/v.jpg", 30, 30);
        var def = DatasetDefinition.Load(d.Text("data.yaml", "train: images/train\nval: images/val\nnames: [x]\n"));
        var val = LabelIndex.Scan(def, "val");
        Assert.Equal(d.File("labels/val.ghostyolo.cache"), val.CachePath);
        Assert.Equal((0, 1, 0), (val.Found, val.Missing, val.Corrupt));
    }
}
