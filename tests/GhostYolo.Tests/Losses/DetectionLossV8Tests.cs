using GhostYolo.Losses;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

public class DetectionLossV8Tests
{
    private static Tensor[] ThreeLevels(int b, int nc, Func<long[], Tensor> make) =>
        [make([b, 64 + nc, 8, 8]), make([b, 64 + nc, 4, 4]), make([b, 64 + nc, 2, 2])];   // 64×64 input, strides 8/16/32

    [Fact]
    public void ZeroTargetsGiveOnlyTheBackgroundClassLoss()
    {
        // All logits 0: every class output costs BCE(0, 0) = ln 2; target_scores_sum clamps to 1.
        // cls = B·A·nc·ln2 = 2·84·3·ln2 = 349.3462, × gain 0.5 = 174.6731; box = dfl = 0; loss = 174.6731 · B.
        var feats = ThreeLevels(2, 3, s => zeros(s, requires_grad: true));
        var loss = new DetectionLossV8(3, [8, 16, 32]);
        var (total, items) = loss.Compute(feats, zeros(0, 6));
        var it = items.data<float>().ToArray();
        Assert.Equal(0.0, it[0], 6);
        Assert.Equal(174.6731, it[1], 3);
        Assert.Equal(0.0, it[2], 6);
        Assert.Equal(2 * 174.6731, total.item<float>(), 2);
        total.backward();
        Assert.All(feats, f => Assert.True(f.grad!.isfinite().all().item<bool>()));
    }

    /// <summary>
    /// One 4×4 level at stride 8 (32×32 input) and one gt with pixel box [4,4,28,28] = grid [0.5,0.5,3.5,3.5].
    /// Every anchor centre (0.5…3.5) is at whole-cell distances from that box, so peaked DFL logits (40 on the right bin)
    /// make every anchor predict exactly the gt: CIoU = 1, box loss 0 and DFL ≈ 0 (the left bin has weight 1).
    /// The four anchors strictly inside (centres 1.5/2.5) are foreground with soft target 1 each (target_scores_sum = 4).
    /// With class logits 0 every BCE term is ln 2 whatever the target, so cls = 16·2·ln2 / 4 = 5.5452, × 0.5 = 2.7726.
    /// </summary>
    [Fact]
    public void PerfectPredictionHasZeroBoxLoss()
    {
        const int nc = 2;
        var f = zeros(1, 64 + nc, 4, 4);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                double ax = x + 0.5, ay = y + 0.5;
                int[] d = [(int)(ax - 0.5), (int)(ay - 0.5), (int)(3.5 - ax), (int)(3.5 - ay)];   // l, t, r, b
                for (int side = 0; side < 4; side++) f[0, side * 16 + d[side], y, x] = 40f;
            }
        var targets = tensor(new float[] { 0, 1, 0.5f, 0.5f, 0.75f, 0.75f }).view(1, 6);
        var loss = new DetectionLossV8(nc, [8]);

        var (anc, _) = TalOps.MakeAnchors([f], [8]);
        var decoded = DetectionLossV8.BboxDecode(anc, f.view(1, 64 + nc, -1)[.., ..64].permute(0, 2, 1));
        var gtGrid = tensor(new float[] { 0.5f, 0.5f, 3.5f, 3.5f }).view(1, 1, 4);
        var ciou = BboxIou.Compute(decoded, gtGrid, xywh: false, kind: IouKind.CIou);
        Assert.True(ciou.min().item<float>() > 0.99999f);

        var (total, items) = loss.Compute([f], targets);
        var it = items.data<float>().ToArray();
        Assert.Equal(0.0, it[0], 5);
        Assert.Equal(8 * Math.Log(2) * 0.5, it[1], 4);
        Assert.Equal(0.0, it[2], 4);
        Assert.Equal(it.Sum(), total.item<float>(), 4);
    }

    [Fact]
    public void RandomBatchHasFiniteLossAndGradients()
    {
        manual_seed(0);
        var feats = ThreeLevels(2, 3, s => (randn(s) * 2).requires_grad_(true));
        // Image 0: two boxes; image 1: one box; a tiny box that falls between anchors.
        var targets = tensor(new float[]
        {
            0, 0, 0.30f, 0.40f, 0.40f, 0.50f,
            0, 2, 0.70f, 0.70f, 0.20f, 0.30f,
            1, 1, 0.50f, 0.50f, 0.90f, 0.90f,
            1, 1, 0.11f, 0.13f, 0.01f, 0.01f,
        }).view(4, 6);
        var (total, items) = new DetectionLossV8(3, [8, 16, 32]).Compute(feats, targets);
        var it = items.data<float>().ToArray();
        Assert.All(it, v => Assert.True(float.IsFinite(v) && v > 0));
        Assert.Equal(it.Sum() * 2, total.item<float>(), 3);
        Assert.False(items.requires_grad);
        total.backward();
        foreach (var f in feats)
        {
            Assert.True(f.grad!.isfinite().all().item<bool>());
            Assert.True(f.grad!.abs().sum().item<float>() > 0);
        }
    }

    [Fact]
    public void PreprocessGroupsTargetsPerImageAndPads()
    {
        var targets = tensor(new float[] { 1, 3, 0.5f, 0.5f, 0.5f, 0.5f, 0, 1, 0.25f, 0.25f, 0.5f, 0.5f, 1, 2, 0.5f, 0.5f, 1, 1 }).view(3, 6);
        var outT = DetectionLossV8.Preprocess(targets, 3, tensor(new float[] { 64, 32, 64, 32 }));
        Assert.Equal(new long[] { 3, 2, 5 }, outT.shape);
        Assert.Equal(new float[] { 1, 0, 0, 32, 16, 0, 0, 0, 0, 0 }, outT[0].reshape(-1).data<float>().ToArray());
        Assert.Equal(new float[] { 3, 16, 8, 48, 24, 2, 0, 0, 64, 32 }, outT[1].reshape(-1).data<float>().ToArray());
        Assert.Equal(0f, outT[2].abs().sum().item<float>());
    }
}
