using GhostYolo.Losses;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

public class DistributionFocalLossTests
{
    [Fact]
    public void BinTargetsSplitBetweenNeighbouringBins()
    {
        // t = 3.3 → bins 3 and 4 with weights 0.7 and 0.3; t = 20 is clamped to 14.99 → bins 14/15, weights 0.01/0.99;
        // t = 0 → bins 0/1 with weights 1/0.
        var (tl, tr, wl, wr) = DistributionFocalLoss.BinTargets(tensor(new float[] { 3.3f, 20f, 0f, 7f }));
        Assert.Equal(new long[] { 3, 14, 0, 7 }, tl.data<long>().ToArray());
        Assert.Equal(new long[] { 4, 15, 1, 8 }, tr.data<long>().ToArray());
        var l = wl.data<float>().ToArray();
        var r = wr.data<float>().ToArray();
        Assert.Equal(0.7, l[0], 5); Assert.Equal(0.3, r[0], 5);
        Assert.Equal(0.01, l[1], 4); Assert.Equal(0.99, r[1], 4);
        Assert.Equal(1.0, l[2], 6); Assert.Equal(0.0, r[2], 6);
        Assert.Equal(1.0, l[3], 6);
    }

    [Fact]
    public void LossOfUniformLogitsIsLog16AndOfPeakedLogitsIsZero()
    {
        // Uniform logits: CE = ln 16 at any bin, whatever the weights → mean over sides ln 16 = 2.772589.
        var uniform = zeros(4, 16);
        var target = tensor(new float[] { 1.25f, 3.5f, 0.1f, 9.9f }).view(1, 4);
        Assert.Equal(Math.Log(16), DistributionFocalLoss.Compute(uniform, target).item<float>(), 5);

        // Logits peaked (margin 40) at the integer target: the left bin has weight 1 and CE ≈ 0.
        var peaked = zeros(4, 16);
        float[] t = [2, 5, 0, 11];
        for (int s = 0; s < 4; s++) peaked[s, (int)t[s]] = 40f;
        Assert.Equal(0.0, DistributionFocalLoss.Compute(peaked, tensor(t).view(1, 4)).item<float>(), 5);
    }
}
