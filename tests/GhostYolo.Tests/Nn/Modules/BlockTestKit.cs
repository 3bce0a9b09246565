using GhostYolo.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

/// <summary>Small helpers shared by the block tests: a YAML-row context, parameter counting, shape checks.</summary>
internal static class BlockTestKit
{
    /// <summary>A context for one layer at index 0 reading the model input with <paramref name="c1"/> channels.</summary>
    public static LayerContext Ctx(string module, object?[] args, int c1, int repeats = 1, int nc = 80, double width = 1.0,
        int maxChannels = int.MaxValue, nn.Module<Tensor, Tensor>? act = null)
        => new("test.yaml", 0, [-1], repeats, module, args, [], c1, nc, width, maxChannels, act ?? nn.SiLU());

    /// <summary>Σ numel over parameters() — ultralytics' parameter count.</summary>
    public static long Params(nn.Module m) => m.parameters().Sum(p => p.numel());

    /// <summary>Runs the module in train and eval mode on a seeded random input and returns both output shapes.</summary>
    public static (long[] Train, long[] Eval) Shapes(nn.Module<Tensor, Tensor> m, params long[] inputShape)
    {
        using var scope = NewDisposeScope();
        var x = randn(inputShape, generator: new Generator(0));
        m.train();
        var train = m.call(x).shape;
        m.eval();
        using var _ = no_grad();
        var eval = m.call(x).shape;
        return (train, eval);
    }

    public static void AssertShapes(nn.Module<Tensor, Tensor> m, long[] input, long[] expected)
    {
        var (train, eval) = Shapes(m, input);
        Assert.Equal(expected, train);
        Assert.Equal(expected, eval);
    }

    /// <summary>Folds every fusable child (what the model's Fuse() does for these blocks).</summary>
    public static void FuseAll(nn.Module m)
    {
        foreach (var f in m.modules().OfType<GhostYolo.Nn.Modules.IFusable>().ToList()) f.Fuse();
    }
}
