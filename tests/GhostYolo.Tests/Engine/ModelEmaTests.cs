using GhostYolo.Engine;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Engine;

public class ModelEmaTests
{
    private static nn.Module Net() => nn.Sequential(("0", nn.Linear(2, 3)), ("1", nn.BatchNorm1d(3)));

    [Fact]
    public void DecayFollowsTheRampUp()
    {
        // d(u) = 0.9999·(1 − exp(−u/2000))
        Assert.Equal(0.9999 * (1 - Math.Exp(-1 / 2000.0)), ModelEma.DecayAt(1), 15);
        Assert.Equal(4.99825e-4, ModelEma.DecayAt(1), 9);
        Assert.Equal(0.6320570, ModelEma.DecayAt(2000), 6);
        Assert.Equal(0.9998546, ModelEma.DecayAt(20000), 6);
    }

    [Fact]
    public void StartsAsACopyAndMovesTowardTheModel()
    {
        manual_seed(3);
        var model = Net();
        var emaNet = Net();
        ModelEma ema;
        using (NewDisposeScope()) ema = new ModelEma(model, emaNet);   // nothing the EMA caches may belong to the caller's scope
        var w0 = ((nn.Module)emaNet).state_dict()["0.weight"].clone();
        Assert.True(w0.allclose(model.state_dict()["0.weight"]));
        Assert.False(emaNet.training);
        Assert.All(emaNet.parameters(), p => Assert.False(p.requires_grad));

        // Model moves by +1 everywhere (weights and BN running mean); after k updates the EMA has moved by 1 − Π d_i.
        using (no_grad())
        {
            foreach (var (_, t) in model.state_dict())
                if (t.is_floating_point()) t.add_(1);
        }
        double keep = 1;
        for (int k = 1; k <= 3; k++)
        {
            using var scope = NewDisposeScope();   // the cached tensor lists must survive the caller's scopes
            ema.Update(model);
            keep *= ModelEma.DecayAt(k);
        }
        Assert.Equal(3, ema.Updates);
        var sd = ((nn.Module)emaNet).state_dict();
        var moved = sd["0.weight"] - w0;
        Assert.True(moved.allclose(full_like(moved, 1 - keep), rtol: 0, atol: 1e-6));
        // running_mean started at 0 in both nets, the model's is now 1.
        Assert.True(sd["1.running_mean"].allclose(full(3, 1 - keep), rtol: 0, atol: 1e-6));
        Assert.Equal(0L, sd["1.num_batches_tracked"].item<long>());   // integer buffers are not averaged
    }

    [Fact]
    public void CopyToWritesTheAverageIntoAnotherInstance()
    {
        var model = Net();
        var ema = new ModelEma(model, Net(), updates: 100);
        var target = Net();
        using (no_grad()) model.state_dict()["0.bias"].fill_(5);
        ema.Update(model);
        ema.CopyTo(target);
        Assert.Equal(101, ema.Updates);
        Assert.True(target.state_dict()["0.bias"].allclose(ema.Module.state_dict()["0.bias"]));
    }

    [Fact]
    public void SameInstanceIsRejected()
    {
        var m = Net();
        Assert.Throws<ArgumentException>(() => new ModelEma(m, m));
    }
}
