using GhostYolo.Nn;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace GhostYolo.Onnx.Quantization;

/// <summary>
/// Measures the range of every quantization point on calibration images, by running the fp32 graph on ONNX Runtime with
/// those tensors as extra outputs. Two passes over the same images: the first finds each tensor's minimum and maximum
/// (the <see cref="CalibrationMethod.MinMax"/> ranges), the second fills a 2048-bin histogram over that span, from which
/// the <see cref="CalibrationMethod.Percentile"/> ranges are read. Images go one at a time, in the given order, so the
/// result depends only on the image set.
/// </summary>
internal static class ActivationCalibrator
{
    private const int Bins = 2048;

    /// <summary>Percentile ranges cut this fraction off each tail.</summary>
    public const double Tail = 1e-4;

    /// <param name="model">A fused fp32 model in eval mode.</param>
    /// <param name="images">uint8 (1, 3, H, W) images, all of one shape (letterboxed to the calibration size).</param>
    /// <returns>Ranges per point key for each method.</returns>
    public static IReadOnlyDictionary<CalibrationMethod, IReadOnlyDictionary<string, ActivationRange>> Calibrate(DetectionModel model,
        IReadOnlyList<Tensor> images, int threads, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        if (images.Count == 0) throw new ArgumentException("calibration needs at least one image", nameof(images));
        var shape = images[0].shape;
        var (bytes, points) = OnnxExporter.ExportForCalibration(model, 1, (int)shape[2], (int)shape[3]);
        using var options = OrtRun.Options(threads);
        using var session = new InferenceSession(bytes, options);
        var tensors = points.Select(p => p.Tensor).Distinct().ToArray();
        var min = tensors.ToDictionary(t => t, _ => float.PositiveInfinity);
        var max = tensors.ToDictionary(t => t, _ => float.NegativeInfinity);
        int total = images.Count * 2, done = 0;

        foreach (var image in images)
        {
            ct.ThrowIfCancellationRequested();
            Forward(session, image, tensors, (name, values) =>
            {
                float lo = min[name], hi = max[name];
                foreach (var v in values)
                {
                    if (v < lo) lo = v;
                    if (v > hi) hi = v;
                }
                min[name] = lo;
                max[name] = hi;
            });
            progress?.Report((++done, total));
        }

        var histograms = tensors.ToDictionary(t => t, _ => new long[Bins]);
        foreach (var image in images)
        {
            ct.ThrowIfCancellationRequested();
            Forward(session, image, tensors, (name, values) =>
            {
                float lo = min[name], width = (max[name] - lo) / Bins;
                var h = histograms[name];
                if (!(width > 0)) { h[0] += values.Length; return; }
                float inv = 1f / width;
                foreach (var v in values) h[Math.Clamp((int)((v - lo) * inv), 0, Bins - 1)]++;
            });
            progress?.Report((++done, total));
        }

        var minMax = new Dictionary<string, ActivationRange>();
        var percentile = new Dictionary<string, ActivationRange>();
        foreach (var p in points)
        {
            minMax[p.Key] = new ActivationRange(min[p.Tensor], max[p.Tensor]);
            percentile[p.Key] = Percentile(histograms[p.Tensor], min[p.Tensor], max[p.Tensor]);
        }
        return new Dictionary<CalibrationMethod, IReadOnlyDictionary<string, ActivationRange>>
        {
            [CalibrationMethod.MinMax] = minMax,
            [CalibrationMethod.Percentile] = percentile,
        };
    }

    /// <summary>The range between the <see cref="Tail"/> and 1 − <see cref="Tail"/> quantiles (bin edges, outward).</summary>
    internal static ActivationRange Percentile(long[] histogram, float min, float max)
    {
        long n = histogram.Sum();
        long cut = (long)(n * Tail);
        float width = (max - min) / histogram.Length;
        if (n == 0 || !(width > 0)) return new ActivationRange(min, max);
        int lo = 0, hi = histogram.Length - 1;
        for (long seen = 0; lo < hi && seen + histogram[lo] <= cut; lo++) seen += histogram[lo];
        for (long seen = 0; hi > lo && seen + histogram[hi] <= cut; hi--) seen += histogram[hi];
        return new ActivationRange(min + lo * width, min + (hi + 1) * width);
    }

    private static unsafe void Forward(InferenceSession session, Tensor image, string[] tensors, Action<string, ReadOnlySpan<float>> visit)
    {
        using var contiguous = image.contiguous();
        var bytes = contiguous.bytes;
        fixed (byte* p = bytes)
        {
            using var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.UInt8, contiguous.shape, (IntPtr)p, bytes.Length);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [value], tensors);
            for (int i = 0; i < tensors.Length; i++) visit(tensors[i], outputs[i].GetTensorDataAsSpan<float>());
        }
    }
}
