using GhostYolo.Losses;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

public class TalOpsTests
{
    [Fact]
    public void AnchorsAreCellCentresRowMajorPerLevel()
    {
        var feats = new[] { zeros(1, 5, 2, 3), zeros(1, 5, 1, 2) };
        var (anc, str) = TalOps.MakeAnchors(feats, [8, 16]);
        Assert.Equal(new long[] { 8, 2 }, anc.shape);
        Assert.Equal(new float[] { 0.5f, 0.5f, 1.5f, 0.5f, 2.5f, 0.5f, 0.5f, 1.5f, 1.5f, 1.5f, 2.5f, 1.5f, 0.5f, 0.5f, 1.5f, 0.5f },
            anc.view(-1).data<float>().ToArray());
        Assert.Equal(new float[] { 8, 8, 8, 8, 8, 8, 16, 16 }, str.view(-1).data<float>().ToArray());
    }

    [Fact]
    public void DistAndBboxRoundTripAndClamp()
    {
        var anchor = tensor(new float[] { 2.5f, 3.5f }).view(1, 2);
        var box = TalOps.Dist2Bbox(tensor(new float[] { 1, 2, 3, 4 }).view(1, 4), anchor);
        Assert.Equal(new float[] { 1.5f, 1.5f, 5.5f, 7.5f }, box.view(-1).data<float>().ToArray());
        var xywh = TalOps.Dist2Bbox(tensor(new float[] { 1, 2, 3, 4 }).view(1, 4), anchor, xywh: true);
        Assert.Equal(new float[] { 3.5f, 4.5f, 4f, 6f }, xywh.view(-1).data<float>().ToArray());
        var d = TalOps.Bbox2Dist(anchor, tensor(new float[] { 3f, 1.5f, 30f, 7.5f }).view(1, 4), 15);
        // left is negative (anchor outside) → 0; right 27.5 → clamped to 14.99.
        var v = d.view(-1).data<float>().ToArray();
        Assert.Equal(0f, v[0]); Assert.Equal(2f, v[1]); Assert.Equal(14.99f, v[2], 4); Assert.Equal(4f, v[3]);
    }
}
