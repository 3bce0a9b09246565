using GhostYolo.Benchmarks;
using GhostYolo.Nn;
using GhostYolo.Nn.Profiling;
using GhostYolo.Cli.Commands;

namespace GhostYolo.Tests.Nn.Profiling;

/// <summary>MAC counts at 224 in the papers' convention, and the seed comparison table through the compare command.</summary>
public class PaperMacsTests
{
    [Theory]
    [InlineData("ghostnet.yaml", 141.2e6, 1)]         // GhostNet 1.0×: 141.2 M (paper 141 M)
    [InlineData("fasternet-t0.yaml", 0.34e9, 2)]       // FasterNet README: 0.34 / 0.85 / 1.90 / 4.55 / 8.72 / 15.49 G
    [InlineData("fasternet-t1.yaml", 0.85e9, 2)]
    [InlineData("fasternet-t2.yaml", 1.90e9, 2)]
    [InlineData("fasternet-s.yaml", 4.55e9, 2)]
    [InlineData("fasternet-m.yaml", 8.72e9, 2)]
    [InlineData("fasternet-l.yaml", 15.49e9, 2)]
    public void ClassifierMacsRoundToPublished(string yaml, double published, int decimals)
    {
        using var model = new ModelBuilder().Build(yaml);
        double macs = MacCounter.Count(model, 224, 224, MacConvention.Paper);
        double unit = published >= 1e9 || yaml.StartsWith("fasternet") ? 1e9 : 1e6;
        Assert.Equal(Math.Round(published / unit, decimals), Math.Round(macs / unit, decimals));
    }

    [Fact]
    public void SeedTableIsOneCompareCall()
    {
        var options = new ComparisonOptions(640, 1, Fused: true, Speed: false, Runs: 0, Macs: false, LayerRule.Modules);
        var rows = new[] { "yolov8s.yaml", "yolov8n-C2f-GhostBottleneckV2.yaml", "yolov8n-C2f-GhostBottleneck.yaml", "yolov8n-C2f-g_ghostBottleneck.yaml" }
            .Select(m => Comparison.Measure(m, options)).ToList();
        var md = CompareCommand.Render(rows, options, "md");
        // Published: 168/11125971/28.4, 279/2553539/6.8, 267/2553539/6.8, 195/2581091/6.9. Our C2f wrappers use the
        // fusable ultralytics Conv, so the Ghost rows fuse 8 more BNs: 960 fewer parameters and 9 fewer modules.
        Assert.Contains("| YOLOv8s | 168 | 11,125,971 |", md);
        Assert.Contains("| yolov8n-C2f-GhostBottleneckV2 | 270 | 2,552,579 |", md);
        Assert.Contains("| yolov8n-C2f-GhostBottleneck | 258 | 2,552,579 |", md);
        Assert.Contains("| yolov8n-C2f-g_ghostBottleneck | 186 | 2,580,131 |", md);
        Assert.Equal([28.4, 6.8, 6.8, 6.9], rows.Select(r => Math.Round(r.Profile.GFlops, 1)).ToArray());
    }

    [Fact]
    public void GhostModuleAgainstPlainConvRawMacs()
    {
        var options = new ComparisonOptions(32, null, Fused: false, Speed: false, Runs: 0, Macs: true, LayerRule.Modules);
        var ghost = Comparison.Measure("ghostmodule-64-128.yaml", options);
        var conv = Comparison.Measure("conv3x3-64-128.yaml", options);
        Assert.Equal((37_696L, 38_862_848.0), (ghost.Profile.Parameters, ghost.Macs!.Value));
        Assert.Equal((73_856L, 75_497_472.0), (conv.Profile.Parameters, conv.Macs!.Value));
    }
}
