using GhostYolo.Benchmarks;
using GhostYolo.Metrics;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Metrics;

/// <summary>Compares the array NMS with a plain tensor transcription of ultralytics' steps on random data.</summary>
public class NmsReferenceTests
{
    // Tensor reference: candidates → rows → stable sort → IoU matrix on offset boxes → textbook greedy loop.
    static float[] Reference(Tensor pred, NmsOptions o)
    {
        using var scope = NewDisposeScope();
        var x = pred[0].t();                                          // (A, 4+nc)
        var nc = x.shape[1] - 4;
        x = x[x[TensorIndex.Colon, 4..].amax([1]) > o.Conf];
        var box = BoxOps.XywhToXyxy(x[TensorIndex.Colon, ..4]);
        var cls = x[TensorIndex.Colon, 4..];
        Tensor rows;
        if (o.MultiLabel && nc > 1)
        {
            var ij = (cls > o.Conf).nonzero();
            var i = ij[TensorIndex.Colon, 0];
            var j = ij[TensorIndex.Colon, 1];
            rows = cat([box.index_select(0, i), cls[i, j].unsqueeze(1), j.unsqueeze(1).to(ScalarType.Float32)], 1);
        }
        else
        {
            var (conf, j) = cls.max(1, keepdim: true);
            rows = cat([box, conf, j.to(ScalarType.Float32)], 1)[conf.view(-1) > o.Conf];
        }
        var (_, order) = rows[TensorIndex.Colon, 4].sort(0, descending: true, stable: true);
        if (order.shape[0] > o.MaxNms) order = order[..o.MaxNms];
        rows = rows.index_select(0, order);
        var n = (int)rows.shape[0];
        var offset = rows[TensorIndex.Colon, 5..6] * (o.Agnostic ? 0 : (float)o.MaxWh);
        var ob = rows[TensorIndex.Colon, ..4] + offset;
        var a = ((ob[TensorIndex.Colon, 2] - ob[TensorIndex.Colon, 0]) * (ob[TensorIndex.Colon, 3] - ob[TensorIndex.Colon, 1])).data<float>().ToArray();
        var b = ob.contiguous().data<float>().ToArray();
        var suppressed = new bool[n];
        var keep = new List<int>();
        for (var i = 0; i < n && keep.Count < o.MaxDet; i++)
        {
            if (suppressed[i]) continue;
            keep.Add(i);
            for (var j = i + 1; j < n; j++)
            {
                var w = Math.Max(0f, Math.Min(b[i * 4 + 2], b[j * 4 + 2]) - Math.Max(b[i * 4], b[j * 4]));
                var h = Math.Max(0f, Math.Min(b[i * 4 + 3], b[j * 4 + 3]) - Math.Max(b[i * 4 + 1], b[j * 4 + 1]));
                var inter = w * h;
                if (inter / (a[i] + a[j] - inter) > o.Iou) suppressed[j] = true;
            }
        }
        var flat = rows.contiguous().data<float>().ToArray();
        return keep.SelectMany(k => flat.Skip(k * 6).Take(6)).ToArray();
    }

    [Theory]
    [InlineData(0.25, 0.7, false, false, 300, 30000)]
    [InlineData(0.25, 0.45, false, true, 300, 30000)]
    [InlineData(0.05, 0.7, true, false, 300, 30000)]
    [InlineData(0.05, 0.6, true, false, 50, 300)]
    [InlineData(0.001, 0.7, true, false, 300, 3000)]
    public void MatchesTensorReference(double conf, double iou, bool multi, bool agnostic, int maxDet, int maxNms)
    {
        using var pred = NmsBenchmark.SyntheticV8Output(seed: 5, nc: 6, anchors: 1500, objects: 12);
        var o = new NmsOptions(Conf: conf, Iou: iou, MultiLabel: multi, Agnostic: agnostic, MaxDet: maxDet, MaxNms: maxNms);
        var expected = Reference(pred, o);
        var actual = Nms.NonMaxSuppression(pred, o)[0].data<float>().ToArray();
        Assert.True(expected.Length > 6 * 10);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void MaxNms_OnlyTopScoresEnterTheGreedyPass()
    {
        // three far-apart boxes; MaxNms 2 drops the lowest score before NMS.
        using var p = tensor(new float[] { 5, 50, 95, 5, 50, 95, 10, 10, 10, 10, 10, 10, 0.5f, 0.9f, 0.7f }).reshape(1, 5, 3);
        var r = Nms.NonMaxSuppression(p, new NmsOptions(MaxNms: 2))[0];
        Assert.Equal(new[] { 0.9f, 0.7f }, r[TensorIndex.Colon, 4].data<float>().ToArray());
    }

    [Fact]
    public void ArrayIou_EqualsTensorIou()
    {
        var rng = new Random(1);
        var a = Enumerable.Range(0, 40).SelectMany(_ => { float x = rng.Next(0, 50), y = rng.Next(0, 50); return new[] { x, y, x + rng.Next(1, 30) + 0.3f, y + rng.Next(1, 30) + 0.7f }; }).ToArray();
        var b = Enumerable.Range(0, 30).SelectMany(_ => { float x = rng.Next(0, 50), y = rng.Next(0, 50); return new[] { x, y, x + rng.Next(1, 30) + 0.1f, y + rng.Next(1, 30) + 0.9f }; }).ToArray();
        using var ta = tensor(a).reshape(40, 4);
        using var tb = tensor(b).reshape(30, 4);
        using var t = BoxOps.BoxIou(ta, tb);
        Assert.Equal(t.data<float>().ToArray(), BoxOps.BoxIou(a, b));
    }

    [Fact]
    public void Benchmark_RunsBothSettings()
    {
        var r = NmsBenchmark.Run(runs: 1, warmup: 0);
        Assert.Equal(2, r.Count);
        Assert.True(r[0].Candidates > 30000 && r[0].GreedyRows == 30000 && r[0].Kept == 300);
        Assert.True(r[1].Candidates > 1000 && r[1].Kept is > 0 and <= 300);
    }
}
