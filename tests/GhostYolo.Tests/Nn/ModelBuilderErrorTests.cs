using GhostYolo.Nn;

namespace GhostYolo.Tests.Nn;

/// <summary>Bad YAML gives one clear message naming the file and layer, never a raw TorchSharp exception.</summary>
public class ModelBuilderErrorTests
{
    private const string Header = "nc: 2\nscales:\n  n: [0.33, 0.25, 1024]\nbackbone:\n";

    private static ModelDefinitionException BuildFails(string yaml)
    {
        var def = ModelDefinition.Parse(yaml, "bad.yaml", "n");
        return Assert.Throws<ModelDefinitionException>(() => new ModelBuilder().Build(def));
    }

    [Fact]
    public void UnknownModuleListsKnownOnesAndLayer()
    {
        var e = BuildFails(Header + "  - [-1, 1, Conv, [64, 3, 2]]\n  - [-1, 1, C2fx, [64]]\n");
        Assert.Equal(1, e.Layer);
        Assert.Contains("bad.yaml: layer 1", e.Message);
        Assert.Contains("unknown module 'C2fx'", e.Message);
        Assert.Contains("C2f", e.Message);
        Assert.Contains("line 6", e.Message);
    }

    [Fact]
    public void WrongArgumentCountNamesSignature()
    {
        var e = BuildFails(Header + "  - [-1, 1, SPPF, [64, 5, 3]]\n");
        Assert.Equal(0, e.Layer);
        Assert.Contains("SPPF", e.Message);
        Assert.Contains("[c2, k=5]", e.Message);
    }

    [Fact]
    public void WrongArgumentTypeIsNamed()
    {
        var e = BuildFails(Header + "  - [-1, 1, Conv, [64, 'three', 2]]\n");
        Assert.Contains("argument 1 (k) must be an integer", e.Message);
    }

    [Fact]
    public void FromOutOfRange()
    {
        var e = BuildFails(Header + "  - [-1, 1, Conv, [64, 3, 2]]\n  - [[-1, 7], 1, Concat, [1]]\n");
        Assert.Equal(1, e.Layer);
        Assert.Contains("'from' index 7 is out of range", e.Message);
    }

    [Fact]
    public void ChannelMismatchIsReportedAtTheLayer()
    {
        // Concat of a 16-channel map at stride 2 and a 32-channel map at stride 4 cannot work: spatial sizes differ.
        var e = BuildFails(Header + "  - [-1, 1, Conv, [64, 3, 2]]\n  - [-1, 1, Conv, [128, 3, 2]]\n  - [[-1, 0], 1, Concat, [1]]\n");
        Assert.Equal(2, e.Layer);
        Assert.Contains("cannot take its input", e.Message);
    }

    [Fact]
    public void MissingNcIsAnError()
    {
        var e = Assert.Throws<ModelDefinitionException>(() => ModelDefinition.Parse("backbone:\n  - [-1, 1, Conv, [64, 3, 2]]\n", "x.yaml"));
        Assert.Contains("missing 'nc'", e.Message);
    }

    [Fact]
    public void UnknownModelNameSaysWhereItLooked()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ModelDefinition.Load("yolov9000q.yaml"));
        Assert.Contains("yolov9000q.yaml", e.Message);
    }

    [Fact]
    public void ScaleLetterIsReadFromFileName()
    {
        var n = ModelDefinition.Load("yolov8n.yaml");
        var s = ModelDefinition.Load("yolov8s-C2f-GhostBottleneck.yaml");
        Assert.Equal(("n", 0.25), (n.Scale, n.Width));
        Assert.Equal(("s", 0.5), (s.Scale, s.Width));
        Assert.Equal("YOLOv8n", n.DisplayName);
    }
}
