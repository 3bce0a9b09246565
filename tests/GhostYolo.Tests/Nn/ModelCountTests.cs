using GhostYolo.Nn;
using GhostYolo.Nn.Profiling;

namespace GhostYolo.Tests.Nn;

/// <summary>Layer / parameter / GFLOPs counts against ultralytics' published numbers (reference modules.md §1.7, §5).</summary>
public class ModelCountTests
{
    [Theory]
    [InlineData("yolov8n.yaml", 80, false, 225, 3_157_200, 8.9)]
    [InlineData("yolov8n.yaml", 80, true, 168, 3_151_904, 8.7)]
    [InlineData("yolov8s.yaml", 80, false, 225, 11_166_560, 28.8)]
    [InlineData("yolov8s.yaml", 80, true, 168, 11_156_544, 28.6)]
    [InlineData("yolov8s.yaml", 1, true, 168, 11_125_971, 28.4)]
    [InlineData("yolov5s.yaml", 80, false, 214, 7_235_389, 16.6)]
    [InlineData("yolov5s.yaml", 80, true, 157, 7_225_885, 16.4)]
    [InlineData("yolov5nu.yaml", 80, false, 262, 2_654_816, 7.8)]   // ultralytics 8.x yolov5n.yaml (anchor-free head)
    [InlineData("yolov8n-ghost.yaml", 80, false, 403, 1_865_316, 5.8)]
    public void CountsMatchUltralytics(string yaml, int nc, bool fused, int layers, long parameters, double gflops)
    {
        using var model = new ModelBuilder().Build(yaml, nc);
        if (fused) model.Fuse();
        var p = ModelProfile.Measure(model);
        Assert.Equal(layers, p.Layers);
        Assert.Equal(parameters, p.Parameters);
        Assert.Equal(gflops, Math.Round(p.GFlops, 1));
    }

    [Fact]
    public void AChannelsLastModelCountsTheSameGFlops()
    {
        // Its 1×1 convs may run as GEMMs that bypass the Conv2d's forward hook (Conv.PointwiseChannelsLast).
        using var model = new ModelBuilder().Build("yolov8s.yaml");
        double nchw = MacCounter.GFlops(model);
        model.ToChannelsLast();
        Assert.Equal(nchw, MacCounter.GFlops(model), 6);
        Assert.Equal(28.8, Math.Round(nchw, 1));
    }

    [Fact]
    public void DflWeightsArePararametersButNotGradients()
    {
        using var model = new ModelBuilder().Build("yolov8s.yaml");
        var p = ModelProfile.Measure(model);
        Assert.Equal(16, p.Parameters - p.Gradients);
        Assert.Equal("YOLOv8s summary: 225 layers, 11,166,560 parameters, 11,166,544 gradients, 28.8 GFLOPs", p.SummaryLine);
    }

    [Fact]
    public void LeafRuleMatchesUltralytics83()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml");
        Assert.Equal(129, ModelProfile.Measure(model, rule: LayerRule.Leaves).Layers);
        model.Fuse();
        Assert.Equal(72, ModelProfile.Measure(model, rule: LayerRule.Leaves).Layers);
    }

    [Fact]
    public void PerLayerParametersMatchReferenceYolov8nNc1()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml", 1);
        long[] expected = [464, 4672, 7360, 18560, 49664, 73984, 197632, 295424, 460288, 164608,
            0, 0, 148224, 0, 0, 37248, 36992, 0, 123648, 147712, 0, 493056, 751507];
        Assert.Equal(expected, ModelTable.Rows(model).Select(r => r.Parameters).ToArray());
    }
}
