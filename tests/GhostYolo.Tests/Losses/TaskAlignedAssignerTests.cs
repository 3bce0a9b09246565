using GhostYolo.Losses;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

public class TaskAlignedAssignerTests
{
    // One 4×4 level at stride 8: anchor i = (x, y) = (i % 4, i / 4) has its centre at pixel (4 + 8x, 4 + 8y).
    private static Tensor Anchors() =>
        tensor(Enumerable.Range(0, 16).SelectMany(i => new float[] { 4 + 8 * (i % 4), 4 + 8 * (i / 4) }).ToArray()).view(16, 2);

    /// <summary>
    /// Image 0: gt0 (class 0) = [0,0,20,20] strictly contains anchors 0, 1, 4, 5 (anchor 2 at x = 20 sits on the edge: out);
    /// gt1 (class 1) = [8,8,32,32] contains anchors 5, 6, 7, 9, 10, 11, 13, 14, 15. Anchor 5 is inside both.
    /// Every anchor predicts its own 16×16 box except: 0 → exactly gt0, 1 → [0,0,20,10], 4 → [0,0,10,10], 5 → exactly gt1.
    /// All candidate CIoUs are positive, so with top-k 10 every inside anchor is a candidate; anchor 5 goes to gt1 (CIoU 1 vs 0.075).
    /// Image 1 has no gts (both rows padding): nothing may be assigned.
    /// </summary>
    [Fact]
    public void CraftedTwoObjectScene()
    {
        var anc = Anchors();
        var boxes = new float[2, 16, 4];
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 16; i++)
            {
                float ax = 4 + 8 * (i % 4), ay = 4 + 8 * (i / 4);
                float[] box = (b, i) switch
                {
                    (0, 0) => [0, 0, 20, 20],
                    (0, 1) => [0, 0, 20, 10],
                    (0, 4) => [0, 0, 10, 10],
                    (0, 5) => [8, 8, 32, 32],
                    _ => [ax - 8, ay - 8, ax + 8, ay + 8],
                };
                for (int k = 0; k < 4; k++) boxes[b, i, k] = box[k];
            }
        var pdBboxes = tensor(boxes);                                                  // (2, 16, 4)
        var pdScores = full(2, 16, 2, 0.5f);                                           // (2, 16, 2)
        var gtLabels = tensor(new float[] { 0, 1, 0, 0 }).view(2, 2, 1);
        var gtBboxes = tensor(new float[] { 0, 0, 20, 20, 8, 8, 32, 32, 0, 0, 0, 0, 0, 0, 0, 0 }).view(2, 2, 4);
        var maskGt = tensor(new float[] { 1, 1, 0, 0 }).view(2, 2, 1);

        var r = new TaskAlignedAssigner(2).Assign(pdScores, pdBboxes, anc, gtLabels, gtBboxes, maskGt);

        var fg = r.FgMask.data<bool>().ToArray();
        int[] expectedFg = [0, 1, 4, 5, 6, 7, 9, 10, 11, 13, 14, 15];
        Assert.Equal(expectedFg, Enumerable.Range(0, 16).Where(i => fg[i]).ToArray());
        Assert.DoesNotContain(true, fg[16..]);                                         // padded image: nothing

        var idx = r.TargetGtIdx.data<long>().ToArray();
        var labels = r.TargetLabels.data<long>().ToArray();
        foreach (var i in expectedFg)
        {
            long want = i is 0 or 1 or 4 ? 0 : 1;
            Assert.Equal(want, idx[i]);
            Assert.Equal(want, labels[i]);
        }
        Assert.Equal(new float[] { 8, 8, 32, 32 }, r.TargetBboxes[0, 5].data<float>().ToArray());

        // Normalisation: score^0.5 is equal everywhere, so anchor a of gt g gets (CIoU_a / CIoU_best)^6 · CIoU_best,
        // with CIoU_best = 1 here (anchors 0 and 5 predict their gt exactly).
        var scores = r.TargetScores;                                                   // (2, 16, 2)
        Assert.Equal(1.0, scores[0, 0, 0].item<float>(), 4);
        Assert.Equal(1.0, scores[0, 5, 1].item<float>(), 4);
        Assert.Equal(0.0, scores[0, 5, 0].item<float>(), 6);
        // Anchor 1: IoU 1/2, centres 5 apart (ρ² = 25, c² = 800), v = 4/π²(atan 2 − atan 1)² = 0.041956, α = 0.077417
        // → CIoU = 0.5 − 0.03125 − 0.003248 = 0.465502; target = CIoU⁶ = 0.0101749.
        Assert.Equal(0.0101749, scores[0, 1, 0].item<float>(), 6);
        // Anchor 4: IoU 1/4, ρ² = 50, same aspect → CIoU = 0.25 − 50/800 = 0.1875; target = 0.1875⁶ = 4.3452e-5.
        Assert.Equal(4.3452e-5, scores[0, 4, 0].item<float>(), 7);
        Assert.Equal(0.0, scores[0, 2].abs().sum().item<float>(), 6);                  // background anchor
        Assert.Equal(0.0, scores[1].abs().sum().item<float>(), 6);
    }

    [Fact]
    public void InGtTestIsStrict()
    {
        var anc = tensor(new float[] { 4, 4, 12, 4, 20, 4 }).view(3, 2);
        var gt = tensor(new float[] { 4, 0, 20, 8 }).view(1, 1, 4);                    // anchors 0 and 2 lie on its left/right edges
        var m = TaskAlignedAssigner.SelectCandidatesInGts(anc, gt);
        Assert.Equal(new float[] { 0, 1, 0 }, m.view(-1).data<float>().ToArray());
    }

    [Fact]
    public void NoGtsGivesAllBackground()
    {
        var r = new TaskAlignedAssigner(3).Assign(rand(2, 16, 3), rand(2, 16, 4), Anchors(), zeros(2, 0, 1), zeros(2, 0, 4), zeros(2, 0, 1));
        Assert.False(r.FgMask.any().item<bool>());
        Assert.Equal(new long[] { 2, 16, 3 }, r.TargetScores.shape);
        Assert.Equal(0f, r.TargetScores.sum().item<float>());
    }
}
