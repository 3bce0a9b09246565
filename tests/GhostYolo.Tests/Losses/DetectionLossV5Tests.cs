using GhostYolo.Losses;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

public class DetectionLossV5Tests
{
    private static long[] L(Tensor t) => t.data<long>().ToArray();

    /// <summary>
    /// One 8×8 level, anchors (grid units) (1,1), (2,2), (9,9).
    /// Target A (image 0, class 2): centre (0.30, 0.70)·8 = (2.4, 5.6), wh 0.25·8 = 2 → ratios 2, 1, 2/9:
    /// anchor 2 is rejected (9/2 = 4.5 ≥ 4). x frac 0.4 &lt; 0.5 and x &gt; 1 → left neighbour (j); y frac 0.6 → no upper (k);
    /// from the right, 8 − 2.4 = 5.6 → no (l); from the bottom, 8 − 5.6 = 2.4 → lower neighbour (m).
    /// Cells: own (2,5), left (1,5), below (2,6), each for anchors 0 and 1, in offset-major order.
    /// Target B (image 1): wh 0.01·8 = 0.08 → ratio 12.5 to the smallest anchor → rejected everywhere.
    /// </summary>
    /// <summary>
    /// The whole loss against yolov5 v7.0's own <c>ComputeLoss</c>, run here on the same inputs: yolov5n anchors (nc 4), hyp.scratch-low
    /// gains scaled by train.py for imgsz 320, predictions p[i] = 0.5·sin(0.37·k + i) over the flat index k, five targets (one on the
    /// grid's left edge, two tiny ones, one wide). yolov5 printed loss 2.2533655, items [0.11676913, 0.95669913, 0.05321456].
    /// </summary>
    [Fact]
    public void MatchesYolov5ComputeLossOnFixedInputs()
    {
        float[] anchors = [1.25f, 1.625f, 2.0f, 3.75f, 4.125f, 2.875f, 1.875f, 3.8125f, 3.875f, 2.8125f, 3.6875f, 7.4375f, 3.625f, 2.8125f, 4.875f, 6.1875f, 11.65625f, 10.1875f];
        using var loss = new DetectionLossV5(4, tensor(anchors).view(3, 3, 2), [8, 16, 32], 320);
        var preds = new[] { 40, 20, 10 }.Select((s, i) =>
        {
            long n = 2L * 3 * s * s * 9;
            return (0.5 * sin(0.37 * arange(n, dtype: ScalarType.Float64) + i)).to_type(ScalarType.Float32).view(2, 3, s, s, 9);
        }).ToArray();
        var targets = tensor(new float[]
        {
            0, 0, 0.30f, 0.70f, 0.25f, 0.20f,
            0, 2, 0.52f, 0.41f, 0.05f, 0.08f,
            0, 3, 0.90f, 0.15f, 0.60f, 0.30f,
            1, 1, 0.125f, 0.5f, 0.10f, 0.10f,
            1, 3, 0.66f, 0.83f, 0.02f, 0.03f,
        }).view(5, 6);
        var (total, items) = loss.Compute(preds, targets);
        var it = items.data<float>().ToArray();
        Assert.Equal(0.11676913, it[0], 5);
        Assert.Equal(0.95669913, it[1], 5);
        Assert.Equal(0.05321456, it[2], 5);
        Assert.Equal(2.2533655, total.item<float>(), 4);
    }

    [Fact]
    public void BuildTargetsPicksAnchorsAndNeighbourCells()
    {
        using var loss = new DetectionLossV5(3, tensor(new float[] { 1, 1, 2, 2, 9, 9 }).view(1, 3, 2), [8], 64);
        var preds = new[] { zeros([2, 3, 8, 8, 8]) };
        var targets = tensor(new float[] { 0, 2, 0.30f, 0.70f, 0.25f, 0.25f, 1, 1, 0.5f, 0.5f, 0.01f, 0.01f }).view(2, 6);
        var t = loss.BuildTargets(preds, targets)[0];

        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0 }, L(t.Image));
        Assert.Equal(new long[] { 0, 1, 0, 1, 0, 1 }, L(t.Anchor));
        Assert.Equal(new long[] { 2, 2, 1, 1, 2, 2 }, L(t.GridX));
        Assert.Equal(new long[] { 5, 5, 5, 5, 6, 6 }, L(t.GridY));
        Assert.Equal(new long[] { 2, 2, 2, 2, 2, 2 }, L(t.Class));
        // Box = (gxy − cell, gwh): own (0.4, 0.6), left (1.4, 0.6), below (0.4, −0.4); wh (2, 2).
        var box = t.Box.data<float>().ToArray();
        float[] want = [0.4f, 0.6f, 2, 2, 0.4f, 0.6f, 2, 2, 1.4f, 0.6f, 2, 2, 1.4f, 0.6f, 2, 2, 0.4f, -0.4f, 2, 2, 0.4f, -0.4f, 2, 2];
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], box[i], 4);
        Assert.Equal(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2 }, t.AnchorWh.reshape(-1).data<float>().ToArray());
    }

    /// <summary>
    /// A centre exactly on the right edge (gx = 8 = nx) with gy = 4: own cell x 8 → clamped to 7, and the reference's in-place clamp
    /// makes the box offset 8 − 7 = 1.0. j (frac 0, gx &gt; 1), k (frac 0, gy &gt; 1) and m (8 − 4 = 4, frac 0) are set; l is not (8 − 8 = 0).
    /// </summary>
    [Fact]
    public void BuildTargetsClampsEdgeCentres()
    {
        using var loss = new DetectionLossV5(1, tensor(new float[] { 2, 2 }).view(1, 1, 2), [8], 64);
        var t = loss.BuildTargets([zeros([1, 1, 8, 8, 6])], tensor(new float[] { 0, 0, 1.0f, 0.5f, 0.25f, 0.25f }).view(1, 6))[0];
        Assert.Equal(new long[] { 7, 7, 7, 7 }, L(t.GridX));
        Assert.Equal(new long[] { 4, 4, 3, 4 }, L(t.GridY));
        var box = t.Box.data<float>().ToArray();
        Assert.Equal(new float[] { 1, 0, 2, 2, 1, 0, 2, 2, 1, 1, 2, 2, 1, 0, 2, 2 }, box);
    }

    private static DetectionLossV5 ThreeLevelLoss(int nc) => new(nc,
        tensor(new float[] { 1.25f, 1.625f, 2f, 3.75f, 4.125f, 2.875f, 1.875f, 3.8125f, 3.875f, 2.8125f, 3.6875f, 7.4375f, 3.625f, 2.8125f, 4.875f, 6.1875f, 11.65625f, 10.1875f }).view(3, 3, 2),
        [8, 16, 32], 64);

    [Fact]
    public void ZeroTargetsGiveOnlyObjectnessLoss()
    {
        // All logits 0, no targets: each level's obj BCE is ln 2 → lobj = ln2·(4 + 1 + 0.4) = 3.742995, obj gain (64/640)² = 0.01.
        const int nc = 3;
        using var loss = ThreeLevelLoss(nc);
        Assert.Equal(0.05, loss.BoxGain, 10);
        Assert.Equal(0.5 * 3 / 80.0, loss.ClsGain, 10);
        Assert.Equal(0.01, loss.ObjGain, 10);
        var preds = new[] { zeros([2, 3, 8, 8, 5 + nc], requires_grad: true), zeros([2, 3, 4, 4, 5 + nc], requires_grad: true), zeros([2, 3, 2, 2, 5 + nc], requires_grad: true) };
        var (total, items) = loss.Compute(preds, zeros(0, 6));
        var it = items.data<float>().ToArray();
        Assert.Equal(0.0, it[0], 7);
        Assert.Equal(0.03742995, it[1], 6);
        Assert.Equal(0.0, it[2], 7);
        Assert.Equal(2 * 0.03742995, total.item<float>(), 6);
        total.backward();
        Assert.All(preds, p => Assert.True(p.grad!.isfinite().all().item<bool>()));
    }

    [Fact]
    public void PerfectBoxesGiveZeroBoxLoss()
    {
        const int nc = 2;
        using var loss = ThreeLevelLoss(nc);
        var targets = tensor(new float[] { 0, 1, 0.30f, 0.45f, 0.20f, 0.30f, 1, 0, 0.62f, 0.55f, 0.50f, 0.40f }).view(2, 6);
        var preds = new[] { zeros([2, 3, 8, 8, 5 + nc]), zeros([2, 3, 4, 4, 5 + nc]), zeros([2, 3, 2, 2, 5 + nc]) };
        var levels = loss.BuildTargets(preds, targets);
        Assert.True(levels.Sum(l => l.Image.shape[0]) > 0);
        for (int i = 0; i < 3; i++)
        {
            var t = levels[i];
            if (t.Image.shape[0] == 0) continue;
            // Invert pxy = 2σ − 0.5 and pwh = (2σ)²·anchor.
            var sxy = (t.Box[.., ..2] + 0.5) / 2;
            var swh = (t.Box[.., 2..4] / t.AnchorWh).sqrt() / 2;
            var logits = cat([sxy, swh], 1).logit();
            var at = new TensorIndex[] { TensorIndex.Tensor(t.Image), TensorIndex.Tensor(t.Anchor), TensorIndex.Tensor(t.GridY), TensorIndex.Tensor(t.GridX), TensorIndex.Slice(0, 4) };
            preds[i].index_put_(logits, at);
        }
        var (_, items) = loss.Compute(preds, targets);
        Assert.Equal(0.0, items[0].item<float>(), 5);
    }

    [Fact]
    public void RandomBatchHasFiniteLossAndGradients()
    {
        manual_seed(1);
        const int nc = 4;
        using var loss = ThreeLevelLoss(nc);
        var preds = new[] { randn([2, 3, 8, 8, 5 + nc]).requires_grad_(true), randn([2, 3, 4, 4, 5 + nc]).requires_grad_(true), randn([2, 3, 2, 2, 5 + nc]).requires_grad_(true) };
        var targets = tensor(new float[] { 0, 1, 0.30f, 0.45f, 0.20f, 0.30f, 0, 3, 0.9f, 0.1f, 0.1f, 0.1f, 1, 0, 0.62f, 0.55f, 0.50f, 0.40f }).view(3, 6);
        var (total, items) = loss.Compute(preds, targets);
        var it = items.data<float>().ToArray();
        Assert.All(it, v => Assert.True(float.IsFinite(v) && v > 0));
        Assert.Equal(it.Sum() * 2, total.item<float>(), 4);
        total.backward();
        Assert.All(preds, p => Assert.True(p.grad!.isfinite().all().item<bool>()));
    }
}
