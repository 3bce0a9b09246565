using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>Classification head (ultralytics <c>Classify</c>): Conv to 1280 → global pool → dropout → linear; softmax in eval.</summary>
internal sealed class Classify : nn.Module<Tensor, Tensor>
{
    private readonly Conv conv;
    private readonly TorchSharp.Modules.AdaptiveAvgPool2d pool;
    private readonly TorchSharp.Modules.Dropout drop;
    private readonly TorchSharp.Modules.Linear linear;

    public Classify(long c1, long c2, long k, long s, long? p, long g, nn.Module<Tensor, Tensor> act, double dropout = 0.0) : base(nameof(Classify))
    {
        const long hidden = 1280;
        conv = new Conv(c1, hidden, k, s, act, p, g);
        pool = nn.AdaptiveAvgPool2d(1);
        drop = nn.Dropout(dropout);
        linear = nn.Linear(hidden, c2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = linear.call(drop.call(pool.call(conv.call(x)).flatten(1)));
        return training ? y : y.softmax(1);
    }

    /// <summary>YAML <c>[c2, k=1, s=1, p=None, g=1]</c>; c2 (classes) is not width-scaled when it equals nc.</summary>
    public static LayerBuild Build(LayerContext ctx)
    {
        ctx.ExpectArgs(1, 5, "[c2, k=1, s=1, p=None, g=1]");
        int c1 = ctx.C1, c2 = ctx.ScaleWidth(ctx.Int(0, "c2"));
        int? p = ctx.ArgCount > 3 && ctx.Args[3] is not null ? ctx.Int(3, "p") : null;
        return new LayerBuild(new Classify(c1, c2, ctx.Int(1, "k", 1), ctx.Int(2, "s", 1), p, ctx.Int(4, "g", 1), ctx.Act), c2, [c1, c2, .. ctx.Args.Skip(1)]);
    }
}
