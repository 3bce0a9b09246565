using GhostYolo.Engine;

namespace GhostYolo.Tests.Engine;

public class TrainOptionsTests
{
    [Fact]
    public void DefaultYamlMatchesRecordDefaults()
    {
        var fromYaml = OptionOverrides.Apply(new TrainOptions { Epochs = 1, Lr0 = 9 },
            OptionOverrides.FromYaml(Path.Combine(AppContext.BaseDirectory, "cfg", "default.yaml")));
        Assert.Equal(new TrainOptions(), fromYaml);
    }

    [Fact]
    public void OverridesAcceptSnakeAndKebabKeys()
    {
        var o = OptionOverrides.Apply(new TrainOptions(), [new("lr0", "0.02"), new("cos-lr", "true"), new("close_mosaic", "3"), new("weights", "null")]);
        Assert.Equal(0.02, o.Lr0);
        Assert.True(o.CosLr);
        Assert.Equal(3, o.CloseMosaic);
        Assert.Null(o.Weights);
    }

    [Fact]
    public void UnknownKeySuggestsNearest()
    {
        var e = Assert.Throws<ArgumentException>(() => OptionOverrides.Apply(new TrainOptions(), [new("lr00", "0.1")]));
        Assert.Contains("did you mean 'lr0'", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => OptionOverrides.Apply(new TrainOptions(), [new("epochs", "ten")]));
        Assert.Contains("'ten' is not a valid int32", e2.Message);
    }
}
