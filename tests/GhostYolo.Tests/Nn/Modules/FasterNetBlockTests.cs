using GhostYolo.Nn.Modules;
using TorchSharp;
using static GhostYolo.Tests.Nn.Modules.BlockTestKit;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

public class FasterNetBlockTests
{
    [Fact]
    public void PConv_params_and_untouched_channels()
    {
        using var p = new PConv(64);
        Assert.Equal(9L * 16 * 16, Params(p));
        p.eval();
        using var _ = no_grad();
        var x = randn([2, 64, 6, 6], generator: new Generator(4));
        var y = p.call(x);
        Assert.Equal(x.shape, y.shape);
        Assert.True(y.narrow(1, 16, 48).eq(x.narrow(1, 16, 48)).all().item<bool>());
    }

    [Fact]
    public void PConv_slicing_equals_split_cat_in_eval_and_leaves_the_input_alone()
    {
        using var splitCat = new PConv(40, 4, PConvForward.SplitCat);
        using var slicing = new PConv(40, 4, PConvForward.Slicing);
        slicing.load_state_dict(splitCat.state_dict());
        splitCat.eval(); slicing.eval();
        using var _ = no_grad();
        var x = randn([2, 40, 7, 7], generator: new Generator(5));
        var before = x.clone();
        var a = splitCat.call(x);
        var b = slicing.call(x);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.True(x.eq(before).all().item<bool>());
        // In training 'slicing' falls back to split_cat (in-place writes would break the residual's autograd).
        slicing.train(); splitCat.train();
        Assert.True(splitCat.call(x).allclose(slicing.call(x), rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void Faster_block_params_and_fused_params(int c)
    {
        using var m = new FasterBlock(c, c, nn.SiLU());
        long expected = 9L * (c / 4) * (c / 4) + 4L * c * c + 4L * c;   // §9, including the Conv's BN
        Assert.Equal(expected, Params(m));
        AssertShapes(m, [2, c, 8, 8], [2, c, 8, 8]);

        m.eval();
        using var _ = no_grad();
        var x = randn([1, c, 5, 5], generator: new Generator(6));
        var before = m.call(x);
        FuseAll(m);
        Assert.Equal(expected - 2L * c, Params(m));
        Assert.True(before.allclose(m.call(x), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Faster_block_adjusts_channels_when_inc_differs()
    {
        var b = FasterBlock.Build(Ctx("Faster_Block", [64], c1: 32));
        // adjust Conv(32, 64, 1) = 2,048 + 128 on top of Faster_Block(64).
        Assert.Equal(9L * 16 * 16 + 4L * 64 * 64 + 4 * 64 + 32 * 64 + 128, Params(b.Module));
        AssertShapes((nn.Module<Tensor, Tensor>)b.Module, [1, 32, 8, 8], [1, 64, 8, 8]);
    }

    [Fact]
    public void DropPath_is_identity_in_eval_and_drops_whole_samples_in_training()
    {
        using var dp = new DropPath(0.5, new Generator(7));
        var x = ones([64, 3, 2, 2]);
        dp.eval();
        Assert.True(dp.call(x).eq(x).all().item<bool>());
        dp.train();
        var y = dp.call(x);
        var perSample = y.view(64, -1);
        // Every sample is either all 0 or all 1/(1−p) = 2.
        Assert.True(((perSample == 0).all(1) | (perSample == 2).all(1)).all().item<bool>());
        long kept = (perSample[TensorIndex.Colon, 0] == 2).sum().item<long>();
        Assert.InRange(kept, 16, 48);
        Assert.Equal(0, Params(dp));
    }

    [Fact]
    public void MlpBlock_and_basic_stage_params()
    {
        using var block = new MLPBlock(40, () => nn.GELU());
        long perBlock = 9L * 10 * 10 + 4L * 40 * 40 + 4 * 40;   // 9(d/4)² + 4d² + 4d
        Assert.Equal(perBlock, Params(block));
        using var stage = new BasicStage(40, 3, () => nn.ReLU());
        Assert.Equal(3 * perBlock, Params(stage));
        AssertShapes(stage, [2, 40, 6, 6], [2, 40, 6, 6]);
    }

    [Fact]
    public void MlpBlock_layer_scale_adds_dim_params()
    {
        using var block = new MLPBlock(16, () => nn.ReLU(), layerScaleInitValue: 1e-5);
        Assert.Equal(9L * 4 * 4 + 4L * 16 * 16 + 4 * 16 + 16, Params(block));
    }

    [Fact]
    public void BasicStage_yaml_keeps_input_width_and_rejects_a_mismatch()
    {
        var s = BasicStage.Build(Ctx("BasicStage", [160, 2, 4, 2, "GELU"], c1: 160));
        Assert.Equal(160, s.OutChannels);
        Assert.Equal(2 * (9L * 40 * 40 + 4L * 160 * 160 + 4 * 160), Params(s.Module));
        var ex = Assert.Throws<GhostYolo.Nn.ModelDefinitionException>(() => BasicStage.Build(Ctx("BasicStage", [80, 1], c1: 160)));
        Assert.Contains("160", ex.Message);
        Assert.Throws<GhostYolo.Nn.ModelDefinitionException>(() => BasicStage.Build(Ctx("BasicStage", [160, 1, 4, 2, "Swishy"], c1: 160)));
    }

    [Fact]
    public void Patch_embed_and_merging_params_shapes_and_fuse()
    {
        using var embed = new PatchEmbed(3, 40, 4, 4);
        Assert.Equal(3L * 40 * 16 + 80, Params(embed));
        AssertShapes(embed, [1, 3, 32, 32], [1, 40, 8, 8]);
        using var merge = new PatchMerging(40, 80, 2, 2);
        Assert.Equal(40L * 80 * 4 + 160, Params(merge));
        AssertShapes(merge, [1, 40, 8, 8], [1, 80, 4, 4]);

        merge.eval();
        using var _ = no_grad();
        var x = randn([1, 40, 8, 8], generator: new Generator(8));
        var before = merge.call(x);
        merge.Fuse();
        Assert.Equal(40L * 80 * 4 + 80, Params(merge));   // BN (160) → conv bias (80)
        Assert.True(before.allclose(merge.call(x), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void FasterNet_head_params_and_output()
    {
        var h = FasterNetHead.Build(Ctx("FasterNetHead", [1000, 1280, "GELU"], c1: 320, nc: 1000));
        Assert.Equal(320L * 1280 + 1280L * 1000 + 1000, Params(h.Module));
        AssertShapes((nn.Module<Tensor, Tensor>)h.Module, [2, 320, 3, 3], [2, 1000]);
    }
}
