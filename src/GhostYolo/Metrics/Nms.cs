using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>
/// Non-maximum suppression for raw eval-mode head outputs, mirroring ultralytics <c>ops.non_max_suppression</c>
/// (v8) and yolov5 v7.0 <c>general.non_max_suppression</c> (objectness). The candidate selection runs as tensor
/// ops; the greedy pass (torchvision <c>nms</c>) runs on one CPU copy of the sorted rows.
/// </summary>
/// <remarks>
/// Not mirrored: the wall-clock time limit (2.0 + 0.05·B s) — results would depend on machine load.
/// Sort ties are broken by row order (stable sort); numpy/torch leave them unspecified.
/// </remarks>
public static class Nms
{
    /// <summary>
    /// Runs NMS per image. <paramref name="prediction"/> is (B, 4+nc, A) for <see cref="HeadKind.V8"/> or
    /// (B, A, 5+nc) for <see cref="HeadKind.V5"/>, boxes as xywh pixels of the network input.
    /// Returns one float32 (n, 6) tensor per image: x1, y1, x2, y2, score, class, sorted by descending score.
    /// </summary>
    public static Tensor[] NonMaxSuppression(Tensor prediction, NmsOptions? options = null)
    {
        var o = options ?? new NmsOptions();
        if (o.Conf < 0 || o.Conf > 1) throw new ArgumentOutOfRangeException(nameof(options), $"Conf {o.Conf} must be in [0, 1].");
        if (o.Iou < 0 || o.Iou > 1) throw new ArgumentOutOfRangeException(nameof(options), $"Iou {o.Iou} must be in [0, 1].");
        if (prediction.dim() != 3) throw new ArgumentException($"prediction must be 3-D (B, C, A) or (B, A, C), got [{string.Join(", ", prediction.shape)}].", nameof(prediction));

        var batch = (int)prediction.shape[0];
        var outputs = new Tensor[batch];
        using var scope = NewDisposeScope();
        var pred = prediction.detach().to(ScalarType.Float32).cpu();
        for (var b = 0; b < batch; b++)
        {
            var rows = o.Head == HeadKind.V8 ? CandidatesV8(pred[b], o) : CandidatesV5(pred[b], o);
            outputs[b] = Suppress(rows, o).MoveToOuterDisposeScope();
        }
        return outputs;
    }

    // ultralytics v8: x (4+nc, A) → rows (n, 6) [x1,y1,x2,y2,score,cls] above conf (unsorted, candidate order).
    static Tensor CandidatesV8(Tensor x, NmsOptions o)
    {
        var nc = x.shape[0] - 4;
        if (nc < 1) throw new ArgumentException($"v8 prediction needs 4 + nc channels with nc >= 1, got {x.shape[0]} channels.");
        x = x.t();                                                     // (A, 4+nc)
        var cls = x[TensorIndex.Colon, 4..];                          // (A, nc)
        var keep = cls.amax([1]) > o.Conf;                            // (A)
        x = x[keep];
        var box = BoxOps.XywhToXyxy(x[TensorIndex.Colon, ..4]);        // (n, 4)
        return RowsFromScores(box, x[TensorIndex.Colon, 4..], nc, o);
    }

    // yolov5 v7.0: x (A, 5+nc); candidates by objectness, class scores multiplied by it.
    static Tensor CandidatesV5(Tensor x, NmsOptions o)
    {
        var nc = x.shape[1] - 5;
        if (nc < 1) throw new ArgumentException($"v5 prediction needs 5 + nc channels with nc >= 1, got {x.shape[1]} channels.");
        x = x[x[TensorIndex.Colon, 4] > o.Conf];                      // (n, 5+nc)
        var cls = x[TensorIndex.Colon, 5..] * x[TensorIndex.Colon, 4..5];
        var box = BoxOps.XywhToXyxy(x[TensorIndex.Colon, ..4]);
        return RowsFromScores(box, cls, nc, o);
    }

    static Tensor RowsFromScores(Tensor box, Tensor cls, long nc, NmsOptions o)
    {
        Tensor rows;
        if (o.MultiLabel && nc > 1)
        {
            var ij = (cls > o.Conf).nonzero();                        // (k, 2) row-major: box, class
            var i = ij[TensorIndex.Colon, 0];
            var j = ij[TensorIndex.Colon, 1];
            var score = cls[i, j].unsqueeze(1);
            rows = cat([box.index_select(0, i), score, j.unsqueeze(1).to(ScalarType.Float32)], 1);
        }
        else
        {
            var (conf, j) = cls.max(1, keepdim: true);                // (n, 1) each
            rows = cat([box, conf, j.to(ScalarType.Float32)], 1)[conf.view(-1) > o.Conf];
        }
        if (o.Classes is { Count: > 0 } wanted)
        {
            var c = tensor(wanted.Select(v => (float)v).ToArray());
            rows = rows[(rows[TensorIndex.Colon, 5..6] == c).any(1)];
        }
        return rows;
    }

    // Sorts by score (stable, descending), caps at MaxNms, runs the greedy pass and keeps the first MaxDet.
    static Tensor Suppress(Tensor rows, NmsOptions o)
    {
        var n = (int)rows.shape[0];
        if (n == 0) return zeros(0, 6, ScalarType.Float32);
        var (_, order) = rows[TensorIndex.Colon, 4].sort(0, descending: true, stable: true);
        if (n > o.MaxNms) order = order[..o.MaxNms];
        rows = rows.index_select(0, order).contiguous();              // (n, 6) sorted
        var data = rows.data<float>().ToArray();
        var keep = new int[Math.Min(o.MaxDet, data.Length / 6)];
        var k = GreedyNms.Run(data, o.Iou, o.Agnostic ? 0f : (float)o.MaxWh, keep);
        var idx = tensor(keep.AsSpan(0, k).ToArray().Select(v => (long)v).ToArray(), ScalarType.Int64);
        return rows.index_select(0, idx);
    }
}
