using GhostYolo.Engine;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Engine;

public class OptimizerFactoryTests
{
    // conv (no bias) → bn → conv (bias): biases = bn.bias + conv2.bias, decayed = two conv weights, norm = bn.weight.
    private static nn.Module Tiny() => nn.Sequential(
        ("0", nn.Conv2d(3, 4, 3, bias: false)), ("1", nn.BatchNorm2d(4)), ("2", nn.Conv2d(4, 2, 1, bias: true)));

    [Fact]
    public void GroupsBiasesWeightsAndNormWeights()
    {
        var (bias, decay, norm) = OptimizerFactory.GroupParameters(Tiny());
        Assert.Equal(2, bias.Count);
        Assert.Equal(2, decay.Count);
        Assert.Single(norm);
        Assert.Equal(new long[] { 4 }, norm[0].shape);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, decay[0].shape);
    }

    [Fact]
    public void ExplicitSgdUsesThreeGroupsWithScaledDecay()
    {
        using var opt = OptimizerFactory.Build(Tiny(), new OptimizerSettings("SGD"), batchSize: 24, numClasses: 80, iterations: 0);
        Assert.Equal("SGD", opt.Name);
        Assert.Equal(3, opt.GroupCount);
        Assert.Equal(new[] { 2, 2, 1 }, opt.GroupSizes);
        // accumulate = round(64/24 = 2.67) = 3; decay = 0.0005·24·3/64 = 0.0005625
        Assert.Equal(3, opt.Accumulate);
        Assert.Equal(0.0005625, opt.WeightDecay, 12);
        Assert.Equal(0.0, opt.GetWeightDecay(0));
        Assert.Equal(0.0005625, opt.GetWeightDecay(1), 12);
        Assert.Equal(0.0, opt.GetWeightDecay(2));
        Assert.Equal(0.937, opt.GetMomentum(1));
        Assert.Equal(0.1, opt.WarmupBiasLr);
        Assert.Equal(0.01, opt.GetInitialLr(2));
        Assert.Equal("SGD(lr=0.01, momentum=0.937) with parameter groups 1 weight(decay=0.0), 2 weight(decay=0.0005625), 2 bias(decay=0.0)", opt.Describe());
    }

    [Fact]
    public void AutoPicksAdamWForShortRunsAndSgdForLongOnes()
    {
        using var adam = OptimizerFactory.Build(Tiny(), new OptimizerSettings(), 16, 80, iterations: 10000);
        Assert.Equal("AdamW", adam.Name);
        Assert.Equal(0.000119, adam.Lr, 12);          // round(0.01 / 84, 6)
        Assert.Equal(0.000119, adam.GetLr(1), 12);
        Assert.Equal(0.9, adam.Momentum);
        Assert.Equal(0.0, adam.WarmupBiasLr);
        Assert.False(adam.HasMomentum);
        Assert.Null(adam.GetMomentum(0));
        adam.SetMomentum(0, 0.5);                     // no-op for the Adam family
        Assert.Null(adam.GetMomentum(0));

        using var sgd = OptimizerFactory.Build(Tiny(), new OptimizerSettings(), 16, 1, iterations: 10001);
        Assert.Equal(("SGD", 0.01, 0.9, 0.0), (sgd.Name, sgd.Lr, sgd.Momentum, sgd.WarmupBiasLr));
        Assert.Equal(0.002, OptimizerFactory.AutoLr(1), 12);
        Assert.Equal(0.000417, OptimizerFactory.AutoLr(20), 12);
        Assert.Equal(320, OptimizerFactory.AutoIterations(1000, 16, 20));   // ceil(1000 / max(16, 64)) = 16, × 20 epochs
    }

    [Fact]
    public void UnknownNameIsAnActionableError()
    {
        var e = Assert.Throws<ArgumentException>(() => OptimizerFactory.Build(Tiny(), new OptimizerSettings("Lion"), 16, 80, 0));
        Assert.Contains("AdamW", e.Message);
    }

    [Fact]
    public void NesterovSgdStepWithDecayMatchesHandComputation()
    {
        // Linear(1,1) with w = b = 1 and input 0: loss = b → grad b = 1, grad w = 0.
        // Bias (no decay): buf = 1, nesterov grad = 1 + 0.9·1 = 1.9 → b = 1 − 0.1·1.9 = 0.81.
        // Weight (decay 0.0005 at batch 16): grad = 0.0005·1 → nesterov 1.9·0.0005 → w = 1 − 0.1·0.00095 = 0.999905.
        var lin = nn.Linear(1, 1);
        using (no_grad()) { lin.weight!.fill_(1); lin.bias!.fill_(1); }
        using var opt = OptimizerFactory.Build(lin, new OptimizerSettings("SGD", Lr0: 0.1, Momentum: 0.9), 16, 1, 0);
        opt.ZeroGrad();
        lin.call(zeros(1, 1)).sum().backward();
        opt.Step();
        Assert.Equal(0.81, lin.bias!.item<float>(), 6);
        Assert.Equal(0.999905, lin.weight!.item<float>(), 6);
    }

    [Fact]
    public void ClipGradNormScalesToMaxNorm()
    {
        // loss = 100·b → grad norm 100 → clipped to 10.
        var lin = nn.Linear(1, 1);
        using var opt = OptimizerFactory.Build(lin, new OptimizerSettings("SGD"), 16, 1, 0);
        (lin.call(zeros(1, 1)).sum() * 100).backward();
        Assert.Equal(100.0, opt.ClipGradNorm(10.0), 3);
        Assert.Equal(10.0, lin.bias!.grad!.item<float>(), 3);
    }

    [Theory]
    [InlineData("SGD")]
    [InlineData("AdamW")]
    [InlineData("Adam")]
    public void FrozenParametersStayInGroupOneAndNeverMove(string name)
    {
        // Like ultralytics' frozen DFL conv: requires_grad false, still handed to the optimizer (group 1), never updated.
        var lin = nn.Linear(2, 1);
        lin.weight!.requires_grad = false;
        var w = lin.weight.clone();
        using var opt = OptimizerFactory.Build(lin, new OptimizerSettings(name), 16, 1, 0);
        Assert.Equal(new[] { 1, 1, 0 }, opt.GroupSizes);
        (lin.call(ones(1, 2)).sum() * 100).backward();
        Assert.Equal(100.0, opt.ClipGradNorm(), 3);   // only the bias has a gradient
        opt.Step();
        Assert.True(lin.weight.allclose(w, rtol: 0, atol: 0));
        Assert.NotEqual(0f, lin.bias!.item<float>());
    }

    [Fact]
    public void WarmupApplyAndEpochLrDriveTheGroups()
    {
        using var sgd = OptimizerFactory.Build(Tiny(), new OptimizerSettings("SGD"), 16, 80, 0);
        int acc = Warmup.Apply(sgd, 75, 150, 1.0, 16, new WarmupSettings(), sgd.Accumulate);
        Assert.Equal(2, acc);
        Assert.Equal(0.055, sgd.GetLr(0), 12);
        Assert.Equal(0.005, sgd.GetLr(1), 12);
        Assert.Equal(0.005, sgd.GetLr(2), 12);
        Assert.Equal(0.8685, sgd.GetMomentum(2)!.Value, 12);
        Assert.Equal(4, Warmup.Apply(sgd, 151, 150, 1.0, 16, new WarmupSettings(), 4));   // past warm-up: untouched
        Assert.Equal(0.055, sgd.GetLr(0), 12);

        LrSchedule.ApplyEpoch(sgd, LrSchedule.Linear(50, 100, 0.01));
        Assert.All(Enumerable.Range(0, 3), j => Assert.Equal(0.00505, sgd.GetLr(j), 12));

        // Under auto the bias group starts at 0, whatever the settings say.
        using var auto = OptimizerFactory.Build(Tiny(), new OptimizerSettings(), 16, 80, 0);
        Warmup.Apply(auto, 0, 150, 1.0, 16, new WarmupSettings(), auto.Accumulate);
        Assert.Equal(0.0, auto.GetLr(0));
    }

    [Fact]
    public void StateRoundTrips()
    {
        var lin = nn.Linear(2, 1);
        using var a = OptimizerFactory.Build(lin, new OptimizerSettings("SGD"), 16, 1, 0);
        lin.call(ones(1, 2)).sum().backward();
        a.Step();
        a.SetLr(1, 0.123);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) a.SaveState(w);
        ms.Position = 0;
        using var b = OptimizerFactory.Build(lin, new OptimizerSettings("SGD"), 16, 1, 0);
        using (var r = new BinaryReader(ms)) b.LoadState(r);
        Assert.Equal(0.123, b.GetLr(1), 12);
    }
}
