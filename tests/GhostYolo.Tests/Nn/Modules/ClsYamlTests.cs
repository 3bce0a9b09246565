using GhostYolo.Nn;
using TorchSharp;
using static GhostYolo.Tests.Nn.Modules.BlockTestKit;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

/// <summary>Builds the cfg/models/cls YAMLs with the model builder and checks their parameter totals against the references.</summary>
public class ClsYamlTests
{
    private static string CfgPath(string file) => Path.Combine(RepoPaths.Root(), "cfg", "models", "cls", file);

    /// <summary>Builds a cls YAML with the model builder (its 256×256 stride pass is also the channel check).</summary>
    private static DetectionModel Build(string file, out int inputChannels)
    {
        var model = new ModelBuilder().Build(CfgPath(file));
        inputChannels = model.Definition.InputChannels;
        Assert.Null(model.Head);
        return model;
    }

    [Fact]
    public void GhostNet_1x_has_the_reference_param_count_and_outputs_logits()
    {
        using var model = Build("ghostnet.yaml", out _);
        Assert.Equal(5_182_508, Params(model));
        AssertShapes(model, [2, 3, 64, 64], [2, 1000]);
    }

    [Fact]
    public void GhostNetV2_1x_is_ghostnet_plus_dfc_attention_from_block_2()
    {
        using var model = Build("ghostnetv2.yaml", out _);
        // Block i (0-based) enters with in_i channels and expands to mid_i; blocks 2..15 add in·mid + 16·mid each.
        int[] ins = [16, 16, 24, 24, 40, 40, 80, 80, 80, 80, 112, 112, 160, 160, 160, 160];
        int[] mids = [16, 48, 72, 72, 120, 240, 200, 184, 184, 480, 672, 672, 960, 960, 960, 960];
        long extra = Enumerable.Range(2, 14).Sum(i => (long)ins[i] * mids[i] + 16L * mids[i]);
        Assert.Equal(5_182_508 + extra, Params(model));
        Assert.Equal(6_156_908, Params(model));
        AssertShapes(model, [1, 3, 64, 64], [1, 1000]);
    }

    /// <summary>FasterNet total from the block formulas: embed, per-stage MLPBlocks and mergings, and the 1280-wide head.</summary>
    private static long FasterNetFormula(long e, int[] depths)
    {
        long total = 3 * e * 16 + 2 * e;
        for (int i = 0; i < 4; i++)
        {
            long d = e << i;
            total += depths[i] * (9 * (d / 4) * (d / 4) + 4 * d * d + 4 * d);
            if (i < 3) total += 8 * d * d + 4 * d;
        }
        return total + 8 * e * 1280 + 1280 * 1000 + 1000;
    }

    [Theory]
    [InlineData("fasternet-t0.yaml", 40, new[] { 1, 2, 8, 2 }, 3.9e6, 3_905_500)]
    [InlineData("fasternet-t1.yaml", 64, new[] { 1, 2, 8, 2 }, 7.6e6, 7_595_368)]
    [InlineData("fasternet-t2.yaml", 96, new[] { 1, 2, 8, 2 }, 15.0e6, 14_982_888)]
    [InlineData("fasternet-s.yaml", 128, new[] { 1, 2, 13, 2 }, 31.1e6, 31_181_032)]
    [InlineData("fasternet-m.yaml", 144, new[] { 3, 4, 18, 3 }, 53.5e6, 53_521_464)]
    [InlineData("fasternet-l.yaml", 192, new[] { 3, 4, 18, 3 }, 93.4e6, 93_465_192)]
    public void FasterNet_totals_match_the_formula_and_the_paper(string file, int embed, int[] depths, double paper, long expected)
    {
        using var model = Build(file, out _);
        long n = Params(model);
        Assert.Equal(FasterNetFormula(embed, depths), n);
        Assert.Equal(expected, n);
        Assert.InRange(Math.Abs(n - paper) / paper, 0, 0.005);
    }

    [Fact]
    public void FasterNet_t0_runs_in_train_and_eval()
    {
        using var model = Build("fasternet-t0.yaml", out _);
        AssertShapes(model, [2, 3, 64, 64], [2, 1000]);
    }

    [Fact]
    public void Ghost_module_check_yamls()
    {
        using var ghost = Build("ghostmodule-64-128.yaml", out var ch);
        Assert.Equal(64, ch);
        Assert.Equal(37_696, Params(ghost));
        AssertShapes(ghost, [1, 64, 32, 32], [1, 128, 32, 32]);
        // thop MACs on 1×64×32×32 (§11): 36,864·1,024 + 576·1,024 + 2 BNs · 4 · 65,536.
        Assert.Equal(38_862_848, GhostYolo.Nn.Profiling.MacCounter.Count(ghost, 32, 32));
        using var conv = Build("conv3x3-64-128.yaml", out _);
        Assert.Equal(73_856, Params(conv));
        AssertShapes(conv, [1, 64, 32, 32], [1, 128, 32, 32]);
        Assert.Equal(75_497_472, GhostYolo.Nn.Profiling.MacCounter.Count(conv, 32, 32));   // bias not counted
    }
}
