using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Metrics;
using GhostYolo.Nn;
using GhostYolo.Visual;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// Measures a detector on a validation loader (ultralytics <c>DetectionValidator</c>): multi-label NMS, predictions and
/// labels mapped to original-image pixels, matching at IoU 0.50:0.95, AP per class, confusion matrix, curves and
/// COCO-format predictions. Used standalone (<c>ghostyolo val</c>) and by the trainer after every epoch.
/// </summary>
internal sealed class Validator
{
    /// <summary>Computes the training loss of raw head outputs; used for val/box_loss … during training.</summary>
    public delegate Tensor LossItems(Tensor[] raw, Tensor targets);

    /// <summary>Validates a model in its current precision and layout (the trainer's EMA, or a loaded checkpoint).</summary>
    public ValResult Run(DetectionModel model, Loader loader, IReadOnlyList<string> names, ValOptions o,
        LossItems? loss = null, IProgress<(int Batch, int Batches)>? progress = null, CancellationToken ct = default)
    {
        var device = model.parameters().First().device;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            return Run(model.Nc, model.PrepareInput, x =>
            {
                var raw = model.ForwardRaw(x);
                return (model.Decode(raw), raw);
            }, device, loader, names, o, loss, progress, ct);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Validates whatever an <see cref="InferenceRunner"/> runs (a model on libtorch or ONNX Runtime, an ONNX file).</summary>
    public ValResult Run(InferenceRunner runner, Loader loader, IReadOnlyList<string> names, ValOptions o,
        IProgress<(int Batch, int Batches)>? progress = null, CancellationToken ct = default)
        => Run(runner.Nc, images => images, images => (runner.Run(images), null), CPU, loader, names, o, null, progress, ct);

    /// <param name="prepare">uint8 images → the network's input.</param>
    /// <param name="forward">input → decoded output, and the raw head outputs when a loss is to be computed.</param>
    private ValResult Run(int modelNc, Func<Tensor, Tensor> prepare, Func<Tensor, (Tensor Decoded, Tensor[]? Raw)> forward, Device device,
        Loader loader, IReadOnlyList<string> names, ValOptions o, LossItems? loss, IProgress<(int Batch, int Batches)>? progress, CancellationToken ct)
    {
        int nc = o.SingleCls ? 1 : modelNc;
        var metrics = new DetectionMetrics(nc);
        var confusion = new ConfusionMatrix(nc);
        var json = new List<CocoPrediction>();
        var files = new List<string>();
        var nms = new NmsOptions(o.Conf, o.Iou, o.MaxDet, MultiLabel: true, Agnostic: o.SingleCls);
        double tPre = 0, tInf = 0, tLoss = 0, tPost = 0;
        Tensor? lossSum = null;
        int batches = 0, images = 0;
        using (no_grad())
        {
            foreach (var batch in loader.GetBatches(0, ct))
            {
                using var b = batch;
                using var scope = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                var x = prepare(b.Images);
                var inputShape = ((int)b.Images.shape[2], (int)b.Images.shape[3]);
                tPre += sw.Elapsed.TotalMilliseconds; sw.Restart();
                var (decoded, raw) = forward(x);
                tInf += sw.Elapsed.TotalMilliseconds; sw.Restart();
                if (loss is not null && raw is not null)
                {
                    var items = loss(raw.Select(r => r.to(ScalarType.Float32)).ToArray(), b.Targets.to(device)).cpu().to(ScalarType.Float64);
                    lossSum = lossSum is null ? items.DetachFromDisposeScope() : lossSum.add_(items);
                }
                tLoss += sw.Elapsed.TotalMilliseconds; sw.Restart();
                var dets = Inference.Postprocess(decoded, nms, inputShape, b.Items);
                tPost += sw.Elapsed.TotalMilliseconds;
                var (gtClasses, gtBoxes) = LabelsInOriginalPixels(b, inputShape, o.SingleCls);
                for (int i = 0; i < b.Size; i++)
                {
                    metrics.Update(dets[i], gtClasses[i], gtBoxes[i]);
                    if (o.Plots) confusion.ProcessBatch(dets[i], gtClasses[i], gtBoxes[i]);
                    if (o.SaveJson) json.AddRange(CocoJson.FromDetections(b.Items[i].Path, dets[i]));
                }
                if (o.Plots && o.SaveDir is not null && batches < o.PlotBatches)
                    files.AddRange(PlotBatch(o.SaveDir, batches, b, dets, inputShape, names));
                batches++;
                images += b.Size;
                progress?.Report((batches, loader.BatchCount));
            }
        }
        var result = metrics.Compute();
        if (o.SaveDir is not null)
        {
            Directory.CreateDirectory(o.SaveDir);
            if (o.SaveJson)
            {
                var path = Path.Combine(o.SaveDir, "predictions.json");
                CocoJson.Write(path, json);
                files.Add(path);
            }
            if (o.Plots)
            {
                if (result.Curves is not null) files.AddRange(Charts.WriteAll(o.SaveDir, result.Curves, names));
                files.AddRange(ConfusionMatrixPlot.WriteBoth(o.SaveDir, confusion, names));
            }
        }
        double n = Math.Max(images, 1);
        double[]? meanLoss = lossSum is null ? null : lossSum.div(Math.Max(batches, 1)).data<double>().ToArray();
        lossSum?.Dispose();
        return new ValResult(result, names, meanLoss, new StageSpeed(tPre / n, tInf / n, tLoss / n, tPost / n), files);
    }

    /// <summary>Per image: label classes (L) and xyxy boxes (L,4) mapped from the letterboxed input to original pixels.</summary>
    internal static (Tensor[] Classes, Tensor[] Boxes) LabelsInOriginalPixels(Batch b, (int H, int W) inputShape, bool singleCls)
    {
        var classes = new Tensor[b.Size];
        var boxes = new Tensor[b.Size];
        var t = b.Targets;                                                         // (N, 6) [img, cls, cx, cy, w, h] normalised
        var scale = tensor(new float[] { inputShape.W, inputShape.H, inputShape.W, inputShape.H });
        for (int i = 0; i < b.Size; i++)
        {
            var rows = t.shape[0] == 0 ? t : t[t[.., 0] == i];
            classes[i] = singleCls ? zeros_like(rows[.., 1]) : rows[.., 1];
            var xyxy = BoxOps.XywhToXyxy(rows[.., 2..6]) * scale;                  // (L, 4) input pixels
            boxes[i] = BoxScaling.ScaleBoxes(inputShape, xyxy, b.Items[i].Original, b.Items[i].RatioPad);
        }
        return (classes, boxes);
    }

    private static IEnumerable<string> PlotBatch(string dir, int k, Batch b, Tensor[] dets, (int H, int W) inputShape, IReadOnlyList<string> names)
    {
        Directory.CreateDirectory(dir);
        var labels = Path.Combine(dir, $"val_batch{k}_labels.jpg");
        BatchPlot.Save(labels, b, names);
        // Predictions with score > 0.25 drawn the same way: back to input pixels, as normalised targets.
        var rows = new List<Tensor>();
        var scale = tensor(new float[] { inputShape.W, inputShape.H, inputShape.W, inputShape.H });
        for (int i = 0; i < dets.Length; i++)
        {
            var d = dets[i][dets[i][.., 4] > 0.25];
            if (d.shape[0] == 0) continue;
            var input = BoxScaling.ToInput(inputShape, d[.., ..4], b.Items[i].Original, b.Items[i].RatioPad);
            var xywh = BoxOps.XyxyToXywh(input) / scale;
            rows.Add(cat([full(d.shape[0], 1, i), d[.., 5..6], xywh], 1));
        }
        var targets = rows.Count > 0 ? cat(rows, 0) : zeros(0, 6);
        var pred = Path.Combine(dir, $"val_batch{k}_pred.jpg");
        using (var predBatch = new Batch(b.Images.alias(), targets, b.Items)) BatchPlot.Save(pred, predBatch, names);
        return [labels, pred];
    }
}
