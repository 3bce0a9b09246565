using GhostYolo.Nn.Modules;
using GhostYolo.Metrics;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Metrics;

public class NmsTests
{
    // Builds a v8 eval output (1, 4+nc, A) from per-anchor xyxy boxes and class scores.
    static Tensor V8Output(float[][] xyxy, float[][] scores)
    {
        var a = xyxy.Length;
        var nc = scores[0].Length;
        var data = new float[(4 + nc) * a];
        for (var i = 0; i < a; i++)
        {
            var b = xyxy[i];
            float[] xywh = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]];
            for (var k = 0; k < 4; k++) data[k * a + i] = xywh[k];
            for (var c = 0; c < nc; c++) data[(4 + c) * a + i] = scores[i][c];
        }
        return tensor(data).reshape(1, 4 + nc, a);
    }

    static float[][] Rows(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].data<float>().ToArray()).ToArray();

    // A0 and A1 overlap with IoU 90/110 = 0.818 (same class 0); A2 is A1's box but class 1; A3 is far away; A4 is below conf.
    static readonly float[][] Boxes = [[0, 0, 10, 10], [1, 0, 11, 10], [1, 0, 11, 10], [50, 50, 60, 60], [80, 80, 90, 90]];
    static readonly float[][] Scores = [[0.9f, 0.1f], [0.8f, 0.1f], [0.1f, 0.7f], [0.3f, 0f], [0.2f, 0.1f]];

    [Fact]
    public void BoxIou_KnownBoxes()
    {
        using var a = tensor(new float[] { 0, 0, 10, 10, 0, 0, 10, 5 }).reshape(2, 4);
        using var b = tensor(new float[] { 5, 5, 15, 15, 0, 0, 10, 10 }).reshape(2, 4);
        using var iou = BoxOps.BoxIou(a, b);
        var v = iou.data<float>().ToArray();
        Assert.Equal(25f / 175f, v[0], 5);   // quarter overlap
        Assert.Equal(1f, v[1], 5);           // identical
        Assert.Equal(0f, v[2], 5);           // (0,0,10,5) vs (5,5,15,15): touch only
        Assert.Equal(0.5f, v[3], 5);         // half box
    }

    [Fact]
    public void SameClassSuppressed_OtherClassKept_SortedByScore()
    {
        using var p = V8Output(Boxes, Scores);
        var outs = Nms.NonMaxSuppression(p, new NmsOptions(Conf: 0.25, Iou: 0.45));
        var r = Rows(outs[0]);
        Assert.Equal(3, r.Length);
        Assert.Equal(new float[] { 0, 0, 10, 10, 0.9f, 0 }, r[0]);
        Assert.Equal(new float[] { 1, 0, 11, 10, 0.7f, 1 }, r[1]);
        Assert.Equal(new float[] { 50, 50, 60, 60, 0.3f, 0 }, r[2]);
    }

    [Fact]
    public void Agnostic_SuppressesAcrossClasses()
    {
        using var p = V8Output(Boxes, Scores);
        var r = Rows(Nms.NonMaxSuppression(p, new NmsOptions(Agnostic: true))[0]);
        Assert.Equal(2, r.Length);
        Assert.Equal(0.9f, r[0][4]);
        Assert.Equal(0.3f, r[1][4]);
    }

    [Fact]
    public void MaxDet_KeepsHighestScores()
    {
        using var p = V8Output(Boxes, Scores);
        var r = Rows(Nms.NonMaxSuppression(p, new NmsOptions(MaxDet: 2))[0]);
        Assert.Equal(new[] { 0.9f, 0.7f }, r.Select(x => x[4]).ToArray());
    }

    [Fact]
    public void ClassFilter_KeepsOnlyRequestedClasses()
    {
        using var p = V8Output(Boxes, Scores);
        var r = Rows(Nms.NonMaxSuppression(p, new NmsOptions(Classes: [1]))[0]);
        Assert.Single(r);
        Assert.Equal(1f, r[0][5]);
    }

    [Fact]
    public void MultiLabel_EmitsOneRowPerClassAboveConf()
    {
        using var p = V8Output([[100, 100, 120, 120], [0, 0, 10, 10]], [[0.6f, 0.5f], [0.2f, 0.4f]]);
        var single = Rows(Nms.NonMaxSuppression(p, new NmsOptions())[0]);
        Assert.Equal(new[] { 0.6f, 0.4f }, single.Select(x => x[4]).ToArray());
        var multi = Rows(Nms.NonMaxSuppression(p, new NmsOptions(MultiLabel: true))[0]);
        Assert.Equal(3, multi.Length);
        Assert.Equal(new float[] { 100, 100, 120, 120, 0.6f, 0 }, multi[0]);
        Assert.Equal(new float[] { 100, 100, 120, 120, 0.5f, 1 }, multi[1]);
        Assert.Equal(new float[] { 0, 0, 10, 10, 0.4f, 1 }, multi[2]);
    }

    [Fact]
    public void MultiLabel_IgnoredForSingleClass()
    {
        using var p = V8Output([[0, 0, 10, 10], [40, 40, 50, 50]], [[0.6f], [0.5f]]);
        var r = Rows(Nms.NonMaxSuppression(p, new NmsOptions(MultiLabel: true))[0]);
        Assert.Equal(2, r.Length);
    }

    [Fact]
    public void IouEqualToThreshold_IsNotSuppressed()
    {
        // (0,0,10,10) vs (0,0,10,5): IoU exactly 0.5; suppression needs IoU > thr.
        using var p = V8Output([[0, 0, 10, 10], [0, 0, 10, 5]], [[0.9f], [0.8f]]);
        Assert.Equal(2, Nms.NonMaxSuppression(p, new NmsOptions(Iou: 0.5))[0].shape[0]);
        Assert.Equal(1, Nms.NonMaxSuppression(p, new NmsOptions(Iou: 0.49))[0].shape[0]);
    }

    [Fact]
    public void Greedy_SuppressedBoxDoesNotSuppressOthers()
    {
        // A(0..10) suppresses B(3..13) (IoU 7/13 = 0.54); B would suppress C(6..16) (0.54) but B is gone,
        // and A–C IoU = 4/16 = 0.25, so C survives: greedy keeps A and C.
        using var p = V8Output([[0, 0, 10, 10], [3, 0, 13, 10], [6, 0, 16, 10]], [[0.9f], [0.8f], [0.7f]]);
        var r = Rows(Nms.NonMaxSuppression(p, new NmsOptions(Iou: 0.5))[0]);
        Assert.Equal(new[] { 0.9f, 0.7f }, r.Select(x => x[4]).ToArray());
    }

    [Fact]
    public void V5_ObjectnessMultipliesClassScores()
    {
        // (1, A, 5+nc): xywh, obj, cls0, cls1
        float[] data =
        [
            5, 5, 10, 10, 0.5f, 0.9f, 0.2f,     // 0.45 class 0
            50, 50, 10, 10, 0.9f, 0.25f, 0.1f,  // obj passes, product 0.225 < 0.25 → dropped
            90, 90, 10, 10, 0.2f, 1f, 1f,       // obj 0.2 ≤ conf → not a candidate
            5, 5, 10, 10, 0.8f, 0.1f, 0.5f,     // 0.40 class 1, same box as the first: other class → kept
        ];
        using var p = tensor(data).reshape(1, 4, 7);
        using var decoded = DecodedLayout.FromObjectness(p);   // the v5 head's fold; one NMS path for every head
        var r = Rows(Nms.NonMaxSuppression(decoded, new NmsOptions())[0]);
        Assert.Equal(2, r.Length);
        Assert.Equal(0.45f, r[0][4], 5);
        Assert.Equal(0f, r[0][5]);
        Assert.Equal(new float[] { 0, 0, 10, 10 }, r[0][..4]);
        Assert.Equal(0.40f, r[1][4], 5);
        Assert.Equal(1f, r[1][5]);
    }

    /// <summary>
    /// yolov5 v7.0 non_max_suppression's candidate rows, written out as it does them: objectness &gt; conf first, then
    /// obj × cls (float32) and the best class (or every class, multi-label) above conf. Rows as (anchor·nc + class, score).
    /// </summary>
    static List<(int Flat, float Score)> Yolov5Candidates(float[] rows, int a, int nc, float conf, bool multi)
    {
        var result = new List<(int, float)>();
        for (var i = 0; i < a; i++)
        {
            var obj = rows[i * (5 + nc) + 4];
            if (!(obj > conf)) continue;
            var scores = Enumerable.Range(0, nc).Select(c => rows[i * (5 + nc) + 5 + c] * obj).ToArray();
            if (multi) { for (var c = 0; c < nc; c++) if (scores[c] > conf) result.Add((i * nc + c, scores[c])); }
            else
            {
                var best = 0;
                for (var c = 1; c < nc; c++) if (scores[c] > scores[best]) best = c;
                if (scores[best] > conf) result.Add((i * nc + best, scores[best]));
            }
        }
        return result;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void V5_FoldedLayout_KeepsExactlyYolov5sCandidates(bool multi)
    {
        // Objectness and class probabilities clustered around conf, so the obj > conf filter and the product test disagree
        // often: the folded layout must still select yolov5's rows with bit-identical scores.
        const int a = 4000, nc = 3;
        const float conf = 0.25f;
        var rng = new Random(7);
        var rows = new float[a * (5 + nc)];
        for (var i = 0; i < a; i++)
        {
            for (var k = 0; k < 4; k++) rows[i * (5 + nc) + k] = (float)(rng.NextDouble() * 300);
            rows[i * (5 + nc) + 4] = (float)(0.15 + rng.NextDouble() * 0.3);
            for (var c = 0; c < nc; c++) rows[i * (5 + nc) + 5 + c] = rng.Next(10) == 0 ? 1f : (float)(0.4 + rng.NextDouble() * 0.6);
        }
        using var p = tensor(rows).reshape(1, a, 5 + nc);
        using var decoded = DecodedLayout.FromObjectness(p);
        Assert.Equal([1L, 4 + nc, a], decoded.shape);
        var expected = Yolov5Candidates(rows, a, nc, conf, multi).OrderBy(r => ~(uint)BitConverter.SingleToInt32Bits(r.Score)).ThenBy(r => r.Flat).ToList();
        Assert.True(expected.Count > 500, $"the case should have many candidates, has {expected.Count}");
        var got = NmsCandidates.Select(decoded.data<float>().ToArray(), 4 + nc, a, new NmsOptions(Conf: conf, MultiLabel: multi, MaxNms: a * nc), out var m, out _);
        Assert.Equal(expected.Count, m);
        for (var k = 0; k < m; k++)
        {
            var (flat, score) = expected[k];
            int i = flat / nc, c = flat % nc;
            Assert.Equal(BitConverter.SingleToInt32Bits(score), BitConverter.SingleToInt32Bits(got[k * 6 + 4]));
            Assert.Equal(c, (int)got[k * 6 + 5]);
            float x = rows[i * (5 + nc)], w = rows[i * (5 + nc) + 2];
            Assert.Equal(x - w / 2, got[k * 6]);
        }
    }

    [Fact]
    public void V5_MultiLabel_UsesProducts()
    {
        // obj 0.8 × cls (0.9, 0.5, 0.2) → 0.72, 0.40, 0.16: two rows above 0.25, best first.
        using var p = tensor(new float[] { 50, 50, 20, 20, 0.8f, 0.9f, 0.5f, 0.2f }).reshape(1, 1, 8);
        using var decoded = DecodedLayout.FromObjectness(p);
        var r = Rows(Nms.NonMaxSuppression(decoded, new NmsOptions(MultiLabel: true))[0]);
        Assert.Equal(2, r.Length);
        Assert.Equal(0.8f * 0.9f, r[0][4]);   // float32 product, as upstream
        Assert.Equal(0f, r[0][5]);
        Assert.Equal(0.8f * 0.5f, r[1][4]);
        Assert.Equal(1f, r[1][5]);
        Assert.Equal(new float[] { 40, 40, 60, 60 }, r[1][..4]);
    }

    [Fact]
    public void CoordinatesBeyondMaxWh_ClassOffsetNoLongerSeparates_AsUpstream()
    {
        // class 1 box + 7680 on all four coordinates lands exactly on the class 0 box → suppressed like ultralytics.
        using var p = V8Output([[7700, 7700, 8600, 7800], [20, 20, 920, 120]], [[0.9f, 0f], [0f, 0.8f]]);
        Assert.Equal(1, Nms.NonMaxSuppression(p, new NmsOptions())[0].shape[0]);
        using var q = V8Output([[7700, 7700, 8600, 7800], [20, 20, 920, 120]], [[0.9f, 0f], [0f, 0.8f]]);
        Assert.Equal(2, Nms.NonMaxSuppression(q, new NmsOptions(MaxWh: 20000))[0].shape[0]);
    }

    [Fact]
    public void Batch_ReturnsOneTensorPerImage_EmptyWhenNothingPasses()
    {
        using var one = V8Output(Boxes, Scores);
        using var zero = zeros_like(one);
        using var p = cat([one, zero], 0);
        var outs = Nms.NonMaxSuppression(p, new NmsOptions());
        Assert.Equal(2, outs.Length);
        Assert.Equal(3, outs[0].shape[0]);
        Assert.Equal(new long[] { 0, 6 }, outs[1].shape);
    }

    [Fact]
    public void GreedyCore_MatchesBruteForceTorchvisionOrder()
    {
        // Random clustered boxes, 3 classes: compare with the textbook "kept box suppresses later boxes" loop.
        var rng = new Random(7);
        const int n = 400;
        var rows = new float[n * 6];
        var scores = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).OrderByDescending(s => s).ToArray();
        for (var i = 0; i < n; i++)
        {
            float x = rng.Next(0, 60), y = rng.Next(0, 60), w = rng.Next(5, 30), h = rng.Next(5, 30);
            rows[i * 6] = x; rows[i * 6 + 1] = y; rows[i * 6 + 2] = x + w; rows[i * 6 + 3] = y + h;
            rows[i * 6 + 4] = scores[i]; rows[i * 6 + 5] = rng.Next(0, 3);
        }
        var keep = new int[n];
        var k = GreedyNms.Run(rows, 0.5, 7680f, keep);

        var suppressed = new bool[n];
        var expected = new List<int>();
        for (var i = 0; i < n; i++)
        {
            if (suppressed[i]) continue;
            expected.Add(i);
            for (var j = i + 1; j < n; j++)
            {
                if (rows[j * 6 + 5] != rows[i * 6 + 5]) continue;
                var iw = Math.Max(0, Math.Min(rows[i * 6 + 2], rows[j * 6 + 2]) - Math.Max(rows[i * 6], rows[j * 6]));
                var ih = Math.Max(0, Math.Min(rows[i * 6 + 3], rows[j * 6 + 3]) - Math.Max(rows[i * 6 + 1], rows[j * 6 + 1]));
                var ai = (rows[i * 6 + 2] - rows[i * 6]) * (rows[i * 6 + 3] - rows[i * 6 + 1]);
                var aj = (rows[j * 6 + 2] - rows[j * 6]) * (rows[j * 6 + 3] - rows[j * 6 + 1]);
                if (iw * ih / (ai + aj - iw * ih) > 0.5) suppressed[j] = true;
            }
        }
        Assert.True(expected.Count > 20 && expected.Count < n);
        Assert.Equal(expected, keep[..k]);
    }
}
