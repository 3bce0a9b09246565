using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using GhostYolo.Data;
using GhostYolo.Nn;
using GhostYolo.Onnx;
using GhostYolo.Onnx.Quantization;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>One convolution's measured int8 sensitivity: how much of the held-out output error goes away when it alone stays float.</summary>
internal sealed record ConvSensitivity(int Conv, string Shape, double ErrorReduction);

/// <summary>The result of calibrating a model for int8: the plan the QDQ export uses and the held-out measurements behind it.</summary>
/// <param name="HeldOutMaps">Held-out mAP50-95 of fp32 and of each method with every convolution quantized.</param>
internal sealed record Int8Report(QuantizationPlan Plan, double Fp32Map, double Int8Map, IReadOnlyDictionary<string, double> HeldOutMaps,
    IReadOnlyList<ConvSensitivity> Sensitivity, int CalibImages, int HeldOutImages, string? CachePath, bool FromCache)
{
    /// <summary>Held-out mAP50-95 lost to int8 (with the float convolutions of the plan).</summary>
    public double Loss => Fp32Map - Int8Map;

    public string Summary => HeldOutImages == 0
        ? $"int8 {Plan.Method}: calibrated on {CalibImages} training images (no held-out search); every convolution int8"
        : string.Create(CultureInfo.InvariantCulture,
        $"int8 {Plan.Method}: held-out mAP50-95 {Int8Map:F4} vs fp32 {Fp32Map:F4} ({Math.Round(Int8Map - Fp32Map, 4) + 0.0:+0.0000;-0.0000;0.0000}) on {HeldOutImages} training images not calibrated on; " +
        $"{(Plan.FloatConvs.Count == 0 ? "every convolution int8" : $"float convolutions: {string.Join("; ", Plan.FloatConvs.Select(Describe))}")}{(FromCache ? $" (cached: {CachePath})" : "")}");

    private string Describe(int conv) => Sensitivity.FirstOrDefault(s => s.Conv == conv) is { } s ? $"#{conv} {s.Shape}" : $"#{conv}";
}

/// <summary>
/// Post-training calibration for int8 inference on ONNX Runtime: activation ranges from training images (min/max and
/// percentile), the method chosen on a held-out slice of the training split, the convolutions whose quantization costs
/// the most measured and kept float until the held-out loss fits <see cref="Int8Options.Budget"/>. The result is cached
/// beside the checkpoint, so a model is calibrated once.
/// </summary>
internal static class Int8Calibration
{
    private const int CacheVersion = 1;
    private const int SensitivityImages = 16;

    /// <summary>The cache file for a checkpoint: <c>best.gyt</c> → <c>best.int8.json</c>; null for a model YAML.</summary>
    public static string? DefaultCachePath(LoadedModel model)
        => model.Checkpoint is null || !File.Exists(model.Source) ? null : Path.ChangeExtension(model.Source, ".int8.json");

    /// <summary>Loads the cached calibration or calibrates <paramref name="loaded"/> (which is put into its inference form).</summary>
    /// <exception cref="ArgumentException">No dataset to calibrate on: the message names <c>--data</c>.</exception>
    public static Int8Report Prepare(LoadedModel loaded, Int8Options o, ILogger? logger = null, CancellationToken ct = default)
    {
        var model = loaded.Model;
        model.PrepareForInference(Precision.Fp32);
        // Random weights (a bare model YAML) have no accuracy to choose by: calibrate only.
        if (!loaded.HasWeights) o = o with { Search = false };
        var dataPath = ResolveData(loaded, o);
        int imgsz = o.ImgSz ?? loaded.ImgSz;
        string? cachePath = o.CachePath ?? DefaultCachePath(loaded);
        string key = CacheKey(loaded, dataPath, imgsz, o);
        if (cachePath is not null && !o.Recalibrate && TryReadCache(cachePath, key) is { } cached) return cached;

        var dataset = DatasetDefinition.Load(dataPath);
        if (o.Search && dataset.Nc != model.Nc)
            throw new ArgumentException($"{dataPath} has {dataset.Nc} classes but {loaded.Source} was trained on {model.Nc}: give --data the model's dataset");
        var index = LabelIndex.Scan(dataset, "train", logger, ct);
        int heldOut = Math.Min(o.HeldOut, index.Images.Count / 3);
        int calib = Math.Min(o.Calib, index.Images.Count - heldOut);
        if (calib < 1 || heldOut < 1)
            throw new ArgumentException($"{dataPath}: {index.Images.Count} training images are too few to calibrate int8 (need at least 3)");
        int stride = (int)model.MaxStride;
        int size = (int)Math.Ceiling(imgsz / (double)stride) * stride;
        int threads = get_num_threads();
        logger?.LogInformation("int8: calibrating on {Calib} training images of {Data} at {Size}, choosing on {HeldOut} held-out ones", calib, dataPath, size, heldOut);

        var images = new List<Tensor>();
        using (var loader = SubsetLoader(index, dataset, 0, calib, size, 1, stride))
            foreach (var b in loader.GetBatches(0, ct))
                using (b) images.Add(b.Images.clone());
        IReadOnlyDictionary<CalibrationMethod, IReadOnlyDictionary<string, ActivationRange>> ranges;
        try { ranges = ActivationCalibrator.Calibrate(model, images, threads, null, ct); }
        finally { foreach (var t in images) t.Dispose(); }

        if (!o.Search)
        {
            var plain = new QuantizationPlan(o.Method ?? CalibrationMethod.MinMax, ranges[o.Method ?? CalibrationMethod.MinMax], []);
            var calibrated = new Int8Report(plain, double.NaN, double.NaN, new Dictionary<string, double>(), [], calib, 0, cachePath, false);
            if (cachePath is not null) WriteCache(cachePath, key, calibrated);
            return calibrated;
        }
        using var heldOutLoader = SubsetLoader(index, dataset, index.Images.Count - heldOut, heldOut, size, 16, stride);
        double HeldOutMap(QuantizationPlan? plan)
        {
            using var runner = InferenceRunner.Create(model, plan is null ? Precision.Fp32 : Precision.Int8, InferenceRuntime.Onnx, plan);
            return new Validator().Run(runner, heldOutLoader, dataset.Names, new ValOptions(), ct: ct).Metrics.Map;
        }
        var maps = new Dictionary<string, double> { ["fp32"] = HeldOutMap(null) };
        var methods = o.Method is { } only ? [only] : ranges.Keys.ToList();
        QuantizationPlan? best = null;
        foreach (var method in methods)
        {
            var plan = new QuantizationPlan(method, ranges[method], []);
            maps[method.ToString()] = HeldOutMap(plan);
            logger?.LogInformation("int8: {Method} held-out mAP50-95 {Map:F4} (fp32 {Fp32:F4})", method, maps[method.ToString()], maps["fp32"]);
            if (best is null || maps[method.ToString()] > maps[best.Method.ToString()]) best = plan;
        }

        var sensitivity = Sensitivity(model, best!, index, dataset, size, stride, heldOut, threads, ct);
        double bestMap = maps[best!.Method.ToString()];
        var chosen = best;
        // Keep the most sensitive convolutions float, 1, 2, 4 … at a time, until the held-out loss fits the budget.
        for (int k = 1; maps["fp32"] - bestMap > o.Budget && k <= Math.Min(o.MaxFloatConvs, sensitivity.Count); k *= 2)
        {
            var plan = best.WithFloat(sensitivity.Take(k).Select(s => s.Conv));
            double map = HeldOutMap(plan);
            logger?.LogInformation("int8: {K} most sensitive convolutions float: held-out mAP50-95 {Map:F4}", k, map);
            if (map > bestMap) (chosen, bestMap) = (plan, map);
        }
        var report = new Int8Report(chosen, maps["fp32"], bestMap, maps, sensitivity, calib, heldOut, cachePath, false);
        if (cachePath is not null) WriteCache(cachePath, key, report);
        return report;
    }

    /// <summary>The dataset to calibrate on: the option, else the checkpoint's own training data when it still exists.</summary>
    internal static string ResolveData(LoadedModel loaded, Int8Options o)
    {
        if (o.Data is not null) return o.Data;
        if (loaded.Checkpoint?.TrainArgs.GetValueOrDefault("data") is { Length: > 0 } d && File.Exists(d)) return d;
        var trained = loaded.Checkpoint?.TrainArgs.GetValueOrDefault("data");
        throw new ArgumentException(trained is { Length: > 0 }
            ? $"int8 calibrates on the model's training images, but {loaded.Source} was trained on {trained}, which is not there: give --data data.yaml"
            : $"int8 calibrates on the model's training images: give --data data.yaml (the dataset {loaded.Source} was trained on)");
    }

    /// <summary>
    /// Per convolution: the held-out output error (int8 against fp32) that disappears when that convolution alone stays
    /// float, largest first. The error weighs class-score differences and, by the fp32 score, box differences in strides.
    /// </summary>
    private static List<ConvSensitivity> Sensitivity(DetectionModel model, QuantizationPlan plan, LabelIndex index, DatasetDefinition dataset,
        int size, int stride, int heldOut, int threads, CancellationToken ct)
    {
        var images = new List<Tensor>();
        int n = Math.Min(SensitivityImages, heldOut);
        using (var loader = SubsetLoader(index, dataset, index.Images.Count - heldOut, n, size, n, stride))
            foreach (var b in loader.GetBatches(0, ct))
                using (b) images.Add(b.Images.clone());
        try
        {
            using var batch = cat(images, 0);
            Tensor reference;
            using (var fp32 = new OnnxDetector(model, threads)) reference = fp32.Run(batch);
            using var _ = reference;
            double Error(QuantizationPlan p)
            {
                using var scope = NewDisposeScope();
                using var detector = new OnnxDetector(model, threads, p);
                var y = detector.Run(batch);
                var score = reference[.., 4..].amax(1);                                  // (B, A)
                var scoreError = (y[.., 4..] - reference[.., 4..]).abs().mean();
                var boxError = ((y[.., ..4] - reference[.., ..4]).abs().sum(1) / stride * score).sum() / score.sum().clamp_min(1e-6);
                return scoreError.item<float>() + boxError.item<float>() * 0.01;
            }
            double all = Error(plan);
            var convShapes = OnnxExporter.ConvDescriptions(model, size, size);
            var result = new List<ConvSensitivity>();
            for (int k = 0; k < convShapes.Count; k++)
            {
                ct.ThrowIfCancellationRequested();
                result.Add(new ConvSensitivity(k, convShapes[k], all - Error(plan.WithFloat([k]))));
            }
            return [.. result.OrderByDescending(s => s.ErrorReduction)];
        }
        finally { foreach (var t in images) t.Dispose(); }
    }

    /// <summary>Images [start, start+count) of the scanned training split, letterboxed square to <paramref name="size"/> as at inference.</summary>
    private static Loader SubsetLoader(LabelIndex index, DatasetDefinition dataset, int start, int count, int size, int batch, int stride)
    {
        var subset = new LabelIndex
        {
            Images = [.. index.Images.Skip(start).Take(count)],
            Found = count, Missing = 0, Empty = 0, Corrupt = 0, Problems = [], Directory = index.Directory,
        };
        var ds = new YoloDataset(subset, dataset.Names, new DatasetOptions { ImgSize = size, Augment = false, Rect = false, BatchSize = batch, Stride = Math.Max(stride, 32) });
        return new Loader(ds, new LoaderOptions { BatchSize = batch, Workers = 2, Shuffle = false }) { OwnsDataset = true };
    }

    private static string CacheKey(LoadedModel loaded, string dataPath, int imgsz, Int8Options o)
    {
        string weights = File.Exists(loaded.Source) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(loaded.Source)))[..16] : loaded.Source;
        return string.Create(CultureInfo.InvariantCulture,
            $"v{CacheVersion}.{QdqQuantizer.Version}|{weights}|{Path.GetFullPath(dataPath)}|{imgsz}|calib={o.Calib}|heldout={o.HeldOut}|method={o.Method?.ToString() ?? "auto"}|max-float={o.MaxFloatConvs}|budget={o.Budget}");
    }

    private sealed record CacheFile(string Key, CalibrationMethod Method, Dictionary<string, float[]> Ranges, int[] FloatConvs, double Fp32Map,
        double Int8Map, Dictionary<string, double> HeldOutMaps, List<ConvSensitivity> Sensitivity, int CalibImages, int HeldOutImages);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static void WriteCache(string path, string key, Int8Report r)
    {
        var file = new CacheFile(key, r.Plan.Method, r.Plan.Ranges.ToDictionary(kv => kv.Key, kv => new[] { kv.Value.Min, kv.Value.Max }),
            [.. r.Plan.FloatConvs], r.Fp32Map, r.Int8Map, new(r.HeldOutMaps), [.. r.Sensitivity], r.CalibImages, r.HeldOutImages);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(file, Json));
        File.Move(tmp, path, overwrite: true);
    }

    private static Int8Report? TryReadCache(string path, string key)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var f = JsonSerializer.Deserialize<CacheFile>(File.ReadAllText(path), Json);
            if (f is null || f.Key != key) return null;
            var plan = new QuantizationPlan(f.Method, f.Ranges.ToDictionary(kv => kv.Key, kv => new ActivationRange(kv.Value[0], kv.Value[1])), f.FloatConvs);
            return new Int8Report(plan, f.Fp32Map, f.Int8Map, f.HeldOutMaps, f.Sensitivity, f.CalibImages, f.HeldOutImages, path, true);
        }
        catch (JsonException) { return null; }
    }
}
