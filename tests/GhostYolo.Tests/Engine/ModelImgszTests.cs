using System.CommandLine;
using GhostYolo.Cli.Commands;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Engine;

/// <summary>val and detect without --imgsz run at the size the checkpoint was trained at (96 here), as ultralytics does.</summary>
[Collection("trained")]
public class ModelImgszTests(TrainedModelFixture run)
{
    private string ValJson(TempDir d, string name, params string[] extra)
    {
        var root = new RootCommand { ValCommand.Create() };
        string[] args = ["val", "--model", run.Result.Best!, "--data", run.Shapes.DataYaml, "--save-json", "--project", d.Path, "--name", name, .. extra];
        Assert.Equal(0, root.Parse(args).Invoke());
        return File.ReadAllText(Path.Combine(d.Path, name, "predictions.json"));
    }

    [Fact]
    public void Val_WithoutImgsz_UsesTheCheckpointsTrainingSize()
    {
        var loaded = ModelLoader.Load(run.Result.Best!, TorchSharp.torch.CPU);
        loaded.Model.Dispose();
        Assert.Equal(96, loaded.ImgSz);
        using var d = new TempDir();
        string unset = ValJson(d, "unset"), at96 = ValJson(d, "at96", "--imgsz", "96"), at160 = ValJson(d, "at160", "--imgsz", "160");
        Assert.Equal(at96, unset);
        Assert.NotEqual(at160, unset);   // the size changes the predictions, so the equality above is not vacuous
    }
}
