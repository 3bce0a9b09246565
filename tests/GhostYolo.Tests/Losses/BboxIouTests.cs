using GhostYolo.Losses;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

public class BboxIouTests
{
    private static double Iou(float[] a, float[] b, IouKind kind, bool xywh = false) =>
        BboxIou.Compute(tensor(a).view(1, 4), tensor(b).view(1, 4), xywh, kind).item<float>();

    [Theory]
    [InlineData(nameof(IouKind.Iou))]
    [InlineData(nameof(IouKind.GIou))]
    [InlineData(nameof(IouKind.DIou))]
    [InlineData(nameof(IouKind.CIou))]
    public void IdenticalBoxesScoreOne(string kindName) // by name: IouKind is internal, a public test method cannot take it
    {
        var kind = Enum.Parse<IouKind>(kindName);
        Assert.Equal(1.0, Iou([0, 0, 10, 10], [0, 0, 10, 10], kind), 5);
        Assert.Equal(1.0, Iou([3, 4, 6, 2], [3, 4, 6, 2], kind, xywh: true), 5);
    }

    [Fact]
    public void WorkedExampleWithDifferentAspectRatios()
    {
        // box1 = [0,0,4,2] (w 4, h 2), box2 = [1,0,3,4] (w 2, h 4), xyxy.
        // inter = 2·2 = 4, union = 8 + 8 − 4 = 12 → IoU = 1/3.
        // Enclosing box [0,0,4,4]: area 16 → GIoU = 1/3 − (16 − 12)/16 = 0.083333.
        // c² = 4² + 4² = 32; centres (2,1) and (2,2) → ρ² = 1 → DIoU = 1/3 − 1/32 = 0.302083.
        // v = 4/π²·(atan(2/4) − atan(4/2))² = 0.167826, α = v/(v − IoU + 1) = 0.201111 → CIoU = 1/3 − (1/32 + v·α) = 0.268332.
        float[] a = [0, 0, 4, 2], b = [1, 0, 3, 4];
        Assert.Equal(1.0 / 3, Iou(a, b, IouKind.Iou), 5);
        Assert.Equal(0.083333, Iou(a, b, IouKind.GIou), 5);
        Assert.Equal(0.302083, Iou(a, b, IouKind.DIou), 5);
        Assert.Equal(0.268332, Iou(a, b, IouKind.CIou), 5);
        // Same boxes as centre-xywh give the same numbers (that path adds no eps).
        Assert.Equal(0.268332, Iou([2, 1, 4, 2], [2, 2, 2, 4], IouKind.CIou, xywh: true), 5);
        // Symmetric in its arguments.
        Assert.Equal(0.268332, Iou(b, a, IouKind.CIou), 5);
    }

    [Fact]
    public void DisjointBoxes()
    {
        // [0,0,1,1] and [2,0,3,1]: no overlap. Enclosing [0,0,3,1]: area 3, union 2 → GIoU = −1/3.
        // c² = 9 + 1 = 10, ρ² = ((2+3−0−1)² + 0)/4 = 4 → DIoU = −0.4; equal aspect ratios → CIoU = DIoU.
        float[] a = [0, 0, 1, 1], b = [2, 0, 3, 1];
        Assert.Equal(0.0, Iou(a, b, IouKind.Iou), 6);
        Assert.Equal(-1.0 / 3, Iou(a, b, IouKind.GIou), 5);
        Assert.Equal(-0.4, Iou(a, b, IouKind.DIou), 5);
        Assert.Equal(-0.4, Iou(a, b, IouKind.CIou), 5);
    }

    [Fact]
    public void BroadcastsAndKeepsLastAxis()
    {
        var gts = tensor(new float[] { 0, 0, 10, 10, 20, 20, 30, 30 }).view(2, 1, 4);   // (2,1,4)
        var pds = tensor(new float[] { 0, 0, 10, 10, 0, 0, 5, 10, 20, 20, 30, 30 }).view(1, 3, 4);   // (1,3,4)
        var iou = BboxIou.Compute(gts, pds, xywh: false);
        Assert.Equal(new long[] { 2, 3, 1 }, iou.shape);
        var v = iou.view(-1).data<float>().ToArray();
        Assert.Equal(1.0, v[0], 5);
        Assert.Equal(0.5, v[1], 5);
        Assert.Equal(0.0, v[2], 5);
        Assert.Equal(1.0, v[5], 5);
    }

    [Fact]
    public void CIouGradientIsFiniteAndAlphaIsConstant()
    {
        var p = tensor(new float[] { 0, 0, 4, 2 }, requires_grad: true);
        var t = tensor(new float[] { 1, 0, 3, 4 });
        var ciou = BboxIou.Compute(p.view(1, 4), t.view(1, 4), xywh: false, kind: IouKind.CIou).sum();
        ciou.backward();
        var g = p.grad!.data<float>().ToArray();
        Assert.All(g, x => Assert.True(float.IsFinite(x)));
        Assert.Contains(g, x => Math.Abs(x) > 1e-4);
    }
}
