using System.CommandLine;
using GhostYolo.Cli.Commands;

namespace GhostYolo.Tests.Data;

public class DatasetCommandTests
{
    private static int Run(params string[] args)
    {
        var root = new RootCommand { DatasetCommand.Create() };
        return root.Parse(args).Invoke();
    }

    [Fact]
    public void Shapes_ThenCheck_ExitsZero()
    {
        using var d = new TempDir();
        string outDir = d.File("shapes");
        Assert.Equal(0, Run("dataset", "shapes", "--out", outDir, "--train", "6", "--val", "3", "--imgsz", "64", "--no-video"));
        Assert.Equal(6, Directory.GetFiles(Path.Combine(outDir, "images/train")).Length);
        Assert.Equal(0, Run("dataset", "check", Path.Combine(outDir, "data.yaml"), "--plot", d.File("plots")));
        Assert.True(File.Exists(d.File("plots/labels.jpg")));
    }

    [Fact]
    public void Check_FailsOnBadYamlAndOnSplitWithoutImages()
    {
        using var d = new TempDir();
        Assert.NotEqual(0, Run("dataset", "check", d.Text("bad.yaml", "train: nowhere\nval: nowhere\nnames: [a]\n")));
        d.Image("images/train/a.jpg", 20, 20);
        d.Text("images/val/broken.jpg", "not an image");
        Assert.NotEqual(0, Run("dataset", "check", d.Text("data.yaml", "train: images/train\nval: images/val\nnames: [a]\n")));
    }
}
