using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using GhostYolo.Nn.Profiling;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

/// <summary>
/// Module counts per block (ultralytics 8.0's <c>len(model.modules())</c> rule) and the seed table's configuration
/// (modules.md §5) built with our blocks. Our wrappers' cv1/cv2 are the fusable ultralytics Conv, so fused rows come out
/// 960 params and 9 modules below the table (8 wrapper BNs folded, no second shared SiLU); unfused params equal the table.
/// </summary>
public class ReferenceTableTests
{
    [Fact]
    public void Per_block_module_counts_match_the_reference()
    {
        using var v1 = new GhostBottleneckV1(32, 32, 32);
        Assert.Equal(20, ModuleTree.Unique(v1).Count());
        using var v2 = new GhostBottleneckV2(32, 32, 32, layerId: 0);
        Assert.Equal(22, ModuleTree.Unique(v2).Count());              // + gate_fn of ghost1 and ghost2
        using var g = new GGhostBottleneck(32, 32);
        Assert.Equal(8, ModuleTree.Unique(g).Count());                // one shared ReLU
        using var f = new FasterBlock(32, 32, nn.SiLU());
        Assert.Equal(9 + 1, ModuleTree.Unique(f).Count());            // 9 + the (model-wide shared) SiLU
    }

    [Theory]
    // unfused params / layers, fused params / layers, then the table's fused params / layers
    [InlineData("yolov8n-C2f-GhostBottleneck.yaml", 2_557_107, 303, 2_552_579, 258, 2_553_539, 267)]
    [InlineData("yolov8n-C2f-GhostBottleneckV2.yaml", 2_557_107, 315, 2_552_579, 270, 2_553_539, 279)]
    [InlineData("yolov8n-C2f-g_ghostBottleneck.yaml", 2_584_659, 231, 2_580_131, 186, 2_581_091, 195)]
    public void Seed_table_rows_with_fusable_wrappers(string yaml, long unfusedParams, int unfusedLayers, long fusedParams, int fusedLayers,
        long tableParams, int tableLayers)
    {
        using var model = new ModelBuilder().Build(yaml, 1);
        var p = ModelProfile.Measure(model);
        Assert.Equal(unfusedParams, p.Parameters);
        Assert.Equal(unfusedLayers, p.Layers);
        model.Fuse();
        var f = ModelProfile.Measure(model);
        Assert.Equal(fusedParams, f.Parameters);
        Assert.Equal(fusedLayers, f.Layers);
        // The table kept the 8 wrapper BNs (2c + c2 summed over layers 2/4/6/8 = 960) and one more shared SiLU.
        Assert.Equal(960, tableParams - fusedParams);
        Assert.Equal(9, tableLayers - fusedLayers);
    }
}
