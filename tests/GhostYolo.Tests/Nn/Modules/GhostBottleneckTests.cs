using GhostYolo.Nn.Modules;
using static GhostYolo.Tests.Nn.Modules.BlockTestKit;

namespace GhostYolo.Tests.Nn.Modules;

public class GhostBottleneckTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(128)]
    public void Official_bottleneck_c_c_c_has_c2_plus_13c_params(int c)
    {
        using var m = new GhostBottleneckV1(c, c, c);
        Assert.Equal((long)c * c + 13L * c, Params(m));
        AssertShapes(m, [2, c, 8, 8], [2, c, 8, 8]);
    }

    [Fact]
    public void Official_bottleneck_stride2_with_se_and_projection_shortcut()
    {
        // GhostNet row [k5, exp 72, c 40, SE .25, s2] entered with 24 channels:
        // ghost1 GM(24→72): 24·36 + 72 + 9·36 + 72 = 1,332; conv_dw 72·25 + bn 144 = 1,944; SE(72→20→72) = 2,972;
        // ghost2 GM(72→40): 72·20 + 40 + 9·20 + 40 = 1,700; shortcut DW 24·25 + 48 + 24·40 + 80 = 1,688.
        using var m = new GhostBottleneckV1(24, 72, 40, dwKernelSize: 5, stride: 2, seRatio: 0.25);
        Assert.Equal(1_332 + 1_944 + 2_972 + 1_700 + 1_688, Params(m));
        AssertShapes(m, [2, 24, 16, 16], [2, 40, 8, 8]);
    }

    [Fact]
    public void Official_bottleneck_yaml_row_scales_out_and_mid()
    {
        var b = GhostBottleneckV1.Build(Ctx("GhostBottleneckV1", [80, 240, 3, 2], c1: 40));
        Assert.Equal(80, b.OutChannels);
        Assert.Equal(new object?[] { 40, 240, 80, 3, 2 }, b.ShownArgs);
        var half = GhostBottleneckV1.Build(Ctx("GhostBottleneckV1", [80, 240, 3, 2], c1: 40, nc: 1, width: 0.5));   // nc ≠ 80, or c2 == nc stays unscaled
        Assert.Equal(40, half.OutChannels);
        Assert.Equal(120, half.ShownArgs[1]);
    }

    [Theory]
    [InlineData(0, nameof(GhostModuleMode.Original))]
    [InlineData(1, nameof(GhostModuleMode.Original))]
    [InlineData(2, nameof(GhostModuleMode.Attn))]
    [InlineData(15, nameof(GhostModuleMode.Attn))]
    public void V2_layer_id_decides_the_mode(int layerId, string expected) // by name: GhostModuleMode is internal
        => Assert.Equal(Enum.Parse<GhostModuleMode>(expected), GhostBottleneckV2.ModeFor(layerId));

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    public void V2_original_mode_has_the_v1_params(int c)
    {
        using var v2 = new GhostBottleneckV2(c, c, c, layerId: 0);
        Assert.Equal((long)c * c + 13L * c, Params(v2));
        AssertShapes(v2, [1, c, 8, 8], [1, c, 8, 8]);
    }

    [Fact]
    public void V2_attn_mode_adds_dfc_on_ghost1_only()
    {
        const int c = 32;
        using var v2 = new GhostBottleneckV2(c, c, c, layerId: 2);
        // ghost1 = GhostModuleV2(c → mid = c, k 1, attn): + c·c + 16c; ghost2 stays 'original'.
        Assert.Equal((long)c * c + 13L * c + c * c + 16L * c, Params(v2));
        AssertShapes(v2, [2, c, 8, 8], [2, c, 8, 8]);
    }

    [Fact]
    public void V2_stride2_se_block_shapes()
    {
        using var v2 = new GhostBottleneckV2(40, 240, 80, dwKernelSize: 3, stride: 2, seRatio: 0.25, layerId: 5);
        AssertShapes(v2, [1, 40, 14, 14], [1, 80, 7, 7]);
    }

    [Fact]
    public void V2_yaml_layer_id_defaults_to_original()
    {
        var plain = GhostBottleneckV2.Build(Ctx("GhostBottleneckV2", [16, 16], c1: 16));
        Assert.Equal(16 * 16 + 13 * 16, Params(plain.Module));
        var attn = GhostBottleneckV2.Build(Ctx("GhostBottleneckV2", [16, 16, 3, 1, 0, 2], c1: 16));
        Assert.Equal(16 * 16 + 13 * 16 + 16 * 16 + 16 * 16, Params(attn.Module));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    public void G_ghost_regnet_bottleneck_has_2c2_plus_15c_params(int c)
    {
        using var m = new GGhostBottleneck(c, c);
        Assert.Equal(2L * c * c + 15L * c, Params(m));
        AssertShapes(m, [2, c, 8, 8], [2, c, 8, 8]);
    }

    [Fact]
    public void G_ghost_group_width_groups_the_3x3_and_ends_in_relu()
    {
        // group_width 8 on 32 channels: groups = 32 / 8 = 4, so conv2 has 32·8·9 weights instead of 32·9.
        using var m = new GGhostBottleneck(32, 32, groupWidth: 8);
        Assert.Equal(2L * 32 * 32 + 32 * 8 * 9 + 6 * 32, Params(m));
        m.eval();
        using var _ = TorchSharp.torch.no_grad();
        var y = m.call(TorchSharp.torch.randn([1, 32, 5, 5], generator: new TorchSharp.torch.Generator(3)));
        Assert.True((y >= 0).all().item<bool>());
    }

    [Fact]
    public void G_ghost_yaml_row_adds_downsample_when_shapes_change()
    {
        var b = GGhostBottleneck.Build(Ctx("GGhostBottleneck", [32, 2], c1: 16));
        // 16·32 + 64 + 9·32 + 64 + 32·32 + 64 + downsample 16·32 + 64.
        Assert.Equal(16 * 32 + 64 + 9 * 32 + 64 + 32 * 32 + 64 + 16 * 32 + 64, Params(b.Module));
        AssertShapes((TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)b.Module, [1, 16, 8, 8], [1, 32, 4, 4]);
    }
}
