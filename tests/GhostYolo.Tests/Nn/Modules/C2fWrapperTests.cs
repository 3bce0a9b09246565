using GhostYolo.Nn;
using TorchSharp;
using static GhostYolo.Tests.Nn.Modules.BlockTestKit;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

public class C2fWrapperTests
{
    private static LayerBuild BuildLayer(string name, object?[] args, int c1, int n, double width = 1.0)
    {
        Assert.True(ModuleRegistry.CreateDefault().TryGet(name, out var spec));
        Assert.Equal(RepeatMode.Inserted, spec.Repeats);
        return spec.Factory(Ctx(name, args, c1, repeats: n, nc: 1, width: width, maxChannels: 1024));
    }

    // modules.md §5.1 layer 4 at scale n: c1 = 64, c2 = 64, n = 2, shortcut True (c = 32 inside).
    [Theory]
    [InlineData("C2f_GhostBottleneck", 15_424)]      // cv1 4,224 + cv2 8,320 + 2·(c² + 13c)
    [InlineData("C2f_GhostBottleneckV2", 15_424)]    // 'original' mode: same params as v1
    [InlineData("C2f_g_ghostBottleneck", 17_600)]    // 2·(2c² + 15c)
    [InlineData("C2f_Faster", 22_144)]               // 2·(9(c/4)² + 4c² + 4c)
    [InlineData("C3_Faster", 18_048)]                // cv1, cv2 2,112 each + cv3 4,224 + 2·4,800
    public void Layer4_params_and_shapes(string name, long expected)
    {
        var b = BuildLayer(name, [64, true], c1: 64, n: 2);
        Assert.Equal(64, b.OutChannels);
        Assert.Equal(expected, Params(b.Module));
        AssertShapes((nn.Module<Tensor, Tensor>)b.Module, [2, 64, 8, 8], [2, 64, 8, 8]);
    }

    [Theory]
    [InlineData("C2f_GhostBottleneck", 128, 32, 1, 3_152)]         // L2: yaml [128, True] ×3 at n → 32 ch, n = 1
    [InlineData("C2f_GhostBottleneck", 512, 128, 2, 59_520)]       // L6
    [InlineData("C2f_GhostBottleneckV2", 1024, 256, 1, 182_912)]   // L8
    [InlineData("C2f_g_ghostBottleneck", 128, 32, 1, 3_440)]       // L2
    [InlineData("C2f_g_ghostBottleneck", 1024, 256, 1, 199_552)]   // L8
    public void Scale_n_rows_of_the_reference_table(string name, int yamlC2, int c1, int n, long expected)
    {
        var b = BuildLayer(name, [yamlC2, true], c1: c1, n: n, width: 0.25);
        Assert.Equal(c1, b.OutChannels);
        Assert.Equal(expected, Params(b.Module));
    }

    [Fact]
    public void Fusing_the_ghost_wrapper_folds_only_the_ultralytics_convs()
    {
        // Our cv1/cv2 are the fusable ultralytics Conv: −(2c + c2) = −128 at layer 4 (the reference's ConvCopy keeps them).
        var b = BuildLayer("C2f_GhostBottleneck", [64, true], c1: 64, n: 2);
        var m = (nn.Module<Tensor, Tensor>)b.Module;
        m.eval();
        using var _ = no_grad();
        var x = randn([1, 64, 6, 6], generator: new Generator(9));
        var before = m.call(x);
        FuseAll(m);
        Assert.Equal(15_424 - 128, Params(m));
        Assert.True(before.allclose(m.call(x), rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void GhostBottleneckV2_wrapper_attn_argument_turns_on_dfc()
    {
        var b = BuildLayer("C2f_GhostBottleneckV2", [64, true, 1, 0.5, true], c1: 64, n: 2);
        // Each of the 2 blocks gains ghost1's short_conv: c·c + 16c at c = 32.
        Assert.Equal(15_424 + 2 * (32 * 32 + 16 * 32), Params(b.Module));
        Assert.Equal(new object?[] { 64, 64, 2, true, 1, 0.5, true }, b.ShownArgs);
        AssertShapes((nn.Module<Tensor, Tensor>)b.Module, [1, 64, 8, 8], [1, 64, 8, 8]);

        var off = BuildLayer("C2f_GhostBottleneckV2", [64, true, 1, 0.5, false], c1: 64, n: 2);
        Assert.Equal(15_424, Params(off.Module));
        Assert.Throws<ModelDefinitionException>(() => BuildLayer("C2f_GhostBottleneckV2", [64, true, 1, 0.5, true, 3], c1: 64, n: 2));
    }

    [Fact]
    public void Faster_wrapper_blocks_share_the_models_default_activation()
    {
        var act = nn.SiLU();
        var b = ModuleRegistry.CreateDefault().TryGet("C2f_Faster", out var spec)
            ? spec.Factory(Ctx("C2f_Faster", [64], 64, repeats: 1, act: act))
            : throw new InvalidOperationException();
        var acts = b.Module.modules().OfType<TorchSharp.Modules.SiLU>().Distinct().ToList();
        Assert.Single(acts);
        Assert.Same(act, acts[0]);
    }
}
