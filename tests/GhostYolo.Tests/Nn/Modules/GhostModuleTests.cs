using GhostYolo.Nn.Modules;
using TorchSharp;
using static GhostYolo.Tests.Nn.Modules.BlockTestKit;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

public class GhostModuleTests
{
    [Fact]
    public void GhostModule_64_to_128_k3_matches_the_paper_check()
    {
        // §11: primary 3×3 64→64 (36,864) + BN (128) + DW 3×3 on 64 (576) + BN (128).
        using var m = new GhostModule(64, 128, kernelSize: 3, ratio: 2, dwSize: 3);
        Assert.Equal(37_696, Params(m));
        AssertShapes(m, [1, 64, 32, 32], [1, 128, 32, 32]);
    }

    [Fact]
    public void GhostModule_from_yaml_row_and_plain_conv_baseline()
    {
        var ghost = GhostModule.Build(Ctx("GhostModule", [128, 3, 2, 3], c1: 64));
        Assert.Equal(128, ghost.OutChannels);
        Assert.Equal(37_696, Params(ghost.Module));
        var conv = Conv2dPlain.Build(Ctx("Conv2dPlain", [128, 3, 1, true], c1: 64));
        Assert.Equal(73_856, Params(conv.Module));   // 64·128·9 + 128
        AssertShapes((nn.Module<Tensor, Tensor>)conv.Module, [1, 64, 8, 8], [1, 128, 8, 8]);
    }

    [Fact]
    public void GhostModule_odd_output_is_sliced_and_stride_applies_to_primary()
    {
        // oup 15 → init 8, new 8, cat 16 cut to 15; params 16·8 + 16 + 9·8 + 16 = 232.
        using var m = new GhostModule(16, 15, stride: 2, relu: false);
        Assert.Equal(232, Params(m));
        AssertShapes(m, [2, 16, 8, 8], [2, 15, 4, 4]);
    }

    [Fact]
    public void GhostModule_ratio_3_has_two_ghosts_per_intrinsic_map()
    {
        // oup 24, ratio 3: init 8, new 16; 32·8 + 16 + 9·16 + 32 = 448.
        using var m = new GhostModule(32, 24, ratio: 3);
        Assert.Equal(448, Params(m));
        AssertShapes(m, [1, 32, 6, 6], [1, 24, 6, 6]);
    }

    [Fact]
    public void GhostModuleV2_original_has_the_v1_params_and_a_gate_module()
    {
        using var v1 = new GhostModule(16, 32);
        using var v2 = new GhostModuleV2(16, 32, mode: GhostModuleMode.Original);
        Assert.Equal(Params(v1), Params(v2));
        Assert.Contains(v2.named_children(), c => c.name == "gate_fn" && c.module is TorchSharp.Modules.Sigmoid);
        Assert.DoesNotContain(v2.named_children(), c => c.name == "short_conv");
    }

    [Theory]
    [InlineData(16, 32, 1)]
    [InlineData(24, 40, 3)]
    public void GhostModuleV2_attn_adds_the_dfc_params(int inp, int oup, int k)
    {
        using var original = new GhostModuleV2(inp, oup, kernelSize: k, mode: GhostModuleMode.Original);
        using var attn = new GhostModuleV2(inp, oup, kernelSize: k, mode: GhostModuleMode.Attn);
        // §2: inp·oup·k² + 2oup + 5oup + 2oup + 5oup + 2oup.
        long extra = (long)inp * oup * k * k + 16L * oup;
        Assert.Equal(Params(original) + extra, Params(attn));
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(7, 5)]   // odd sizes: pooled 3×2, gate upsampled back to 7×5
    public void GhostModuleV2_attn_shapes(int h, int w)
    {
        using var m = new GhostModuleV2(16, 32, mode: GhostModuleMode.Attn);
        AssertShapes(m, [2, 16, h, w], [2, 32, h, w]);
    }

    [Fact]
    public void GhostModuleV2_attn_output_is_the_original_output_gated_into_0_1()
    {
        // Same weights in both modes: attn = original · sigmoid(...) ∈ (0, 1), so |attn| ≤ |original| and signs agree.
        using var original = new GhostModuleV2(8, 16, mode: GhostModuleMode.Original);
        using var attn = new GhostModuleV2(8, 16, mode: GhostModuleMode.Attn);
        var sd = original.state_dict();
        attn.load_state_dict(sd, strict: false);
        original.eval(); attn.eval();
        using var _ = no_grad();
        var x = randn([1, 8, 6, 6], generator: new Generator(1));
        var y0 = original.call(x);
        var y1 = attn.call(x);
        Assert.True((y1.abs() <= y0.abs() + 1e-6f).all().item<bool>());
        Assert.True(((y1 * y0) >= 0).all().item<bool>());
    }

    [Fact]
    public void GhostModuleV2_yaml_mode_argument()
    {
        var attn = GhostModuleV2.Build(Ctx("GhostModuleV2", [32, 1, 2, 3, 1, true, "attn"], c1: 16));
        Assert.Equal(GhostModuleMode.Attn, ((GhostModuleV2)attn.Module).Mode);
        var ex = Assert.Throws<GhostYolo.Nn.ModelDefinitionException>(() => GhostModuleV2.Build(Ctx("GhostModuleV2", [32, 1, 2, 3, 1, true, "dfc"], c1: 16)));
        Assert.Contains("'original' or 'attn'", ex.Message);
    }

    [Theory]
    [InlineData(18.0, 4, 20)]     // SE(72, 0.25)
    [InlineData(30.0, 4, 32)]     // SE(120, 0.25)
    [InlineData(168.0, 4, 168)]   // SE(672, 0.25)
    [InlineData(10.0, 8, 16)]     // rounds to 8 < 0.9·10 → +8
    [InlineData(1.0, 4, 4)]       // never below the divisor
    public void MakeDivisible_follows_the_reference(double v, int divisor, int expected)
        => Assert.Equal(expected, GhostNetChannels.MakeDivisible(v, divisor));

    [Fact]
    public void SqueezeExcite_params_and_hard_sigmoid()
    {
        using var se = new SqueezeExcite(72, 0.25);
        Assert.Equal(72 * 20 + 20 + 20 * 72 + 72, Params(se));   // reduced = 20
        AssertShapes(se, [2, 72, 5, 5], [2, 72, 5, 5]);
        var hs = SqueezeExcite.HardSigmoid(tensor(new float[] { -4, -3, 0, 1.5f, 3, 5 })).data<float>().ToArray();
        Assert.Equal(new float[] { 0, 0, 0.5f, 0.75f, 1, 1 }, hs);
    }
}
