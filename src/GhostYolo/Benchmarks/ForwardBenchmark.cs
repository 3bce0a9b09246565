using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Nn.Profiling;
using GhostYolo.Platform;
using TorchSharp;

namespace GhostYolo.Benchmarks;

/// <summary>One forward-latency measurement: a model at a thread count and precision.</summary>
internal sealed record ForwardRow(string Model, double GFlops, long Parameters, int Threads, Precision Precision, InferenceRuntime Runtime, Latency Latency)
{
    /// <summary>ONNX Runtime rows of a model: the node counts of its optimized graph (integer vs float convolutions).</summary>
    public Onnx.OptimizedGraph? Graph { get; init; }
}

/// <summary>
/// Forward latency of the inference form (fused, eval, channels-last, fp32 or bf16; libtorch or ONNX Runtime), median and
/// spread after warm-up, per model × precision × runtime × threads. A runtime that cannot run a combination (ONNX Runtime
/// with bf16 or with a block it cannot export) is skipped, as is bf16 on CPUs without it. Thread counts are interleaved per model so every row sees similar machine load.
/// </summary>
internal static class ForwardBenchmark
{
    /// <param name="int8">How int8 rows calibrate: a checkpoint uses (and caches) its full calibration; a model YAML's
    /// random weights are only calibrated (<see cref="Int8Options.Search"/> off), which is enough to time them.</param>
    public static IEnumerable<ForwardRow> Run(IReadOnlyList<string> models, int imgsz, IReadOnlyList<int> threads, IReadOnlyList<Precision> precisions,
        IReadOnlyList<InferenceRuntime> runtimes, int batch = 1, int runs = 20, int? nc = null, CancellationToken ct = default, Int8Options? int8 = null)
    {
        foreach (var name in models)
            foreach (var precision in precisions)
                foreach (var runtime in runtimes)
                    foreach (var row in Measure(name, imgsz, threads, precision, runtime, batch, runs, nc, int8, ct))
                        yield return row;
    }

    /// <summary>The int8 plan for a benchmark row: the checkpoint's calibration, or a plain min/max one for a model YAML.</summary>
    public static Onnx.Quantization.QuantizationPlan Int8Plan(LoadedModel loaded, Int8Options? o, CancellationToken ct = default)
    {
        o ??= new Int8Options();
        if (!loaded.HasWeights) o = o with { Calib = Math.Min(o.Calib, 32), ImgSz = o.ImgSz ?? 320 };
        return Int8Calibration.Prepare(loaded, o, null, ct).Plan;
    }

    /// <summary>
    /// Reference rows from a TorchScript file of a detector — ultralytics' <c>yolo export format=torchscript</c>, or the
    /// graph <c>tools/pytorch-baseline/yolov8.py trace</c> writes — timed by the same meter, libtorch and thread counts as
    /// the models, so speed-ups are ratios within one run. Float input in [0, 1] (the uint8 → float conversion is timed, as
    /// in the models' rows); GFLOPs are unknown (NaN).
    /// </summary>
    public static IEnumerable<ForwardRow> RunBaseline(string path, int imgsz, IReadOnlyList<int> threads, int batch = 1, int runs = 20, CancellationToken ct = default)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"baseline TorchScript file '{path}' not found", path);
        using var module = torch.jit.load<torch.Tensor, torch.Tensor>(path);
        module.eval();
        long parameters = module.parameters().Sum(p => p.numel());
        foreach (var t in threads)
        {
            ct.ThrowIfCancellationRequested();
            using var threadScope = GhostYoloRuntime.UseThreads(t);
            var latency = LatencyMeter.Measure(images => module.call(images.to(torch.ScalarType.Float32).div_(Scalars.Byte255)), 3, imgsz, runs, warmup: 3, batch: batch);
            yield return new ForwardRow(Path.GetFileName(path), double.NaN, parameters, t, Precision.Fp32, InferenceRuntime.TorchScript, latency);
        }
    }

    private static IEnumerable<ForwardRow> Measure(string name, int imgsz, IReadOnlyList<int> threads, Precision precision, InferenceRuntime runtime,
        int batch, int runs, int? nc, Int8Options? int8, CancellationToken ct)
    {
        if (runtime == InferenceRuntime.Onnx && precision == Precision.Bf16) yield break;
        if (runtime == InferenceRuntime.Torch && precision == Precision.Int8) yield break;
        if (Onnx.OnnxModelFile.IsOnnx(name))
        {
            // An ONNX file (ultralytics' or GhostYolo's export) runs only on ONNX Runtime, fp32, at its own input size.
            if (precision != Precision.Fp32 || runtime == InferenceRuntime.Torch) yield break;
            foreach (var t in threads)
            {
                ct.ThrowIfCancellationRequested();
                using var threadScope = GhostYoloRuntime.UseThreads(t);
                using var file = new Onnx.OnnxModelFile(name, t);
                int size = file.FixedSize is { } f ? Math.Max(f.H, f.W) : imgsz;
                using var runner = InferenceRunner.FromOnnxFile(file);
                var latency = LatencyMeter.Measure(runner.Run, 3, size, runs, warmup: 3, batch: file.FixedBatch ?? batch);
                yield return new ForwardRow(Path.GetFileName(name), double.NaN, 0, t, precision, InferenceRuntime.Onnx, latency);
            }
            yield break;
        }
        var loaded = Engine.ModelLoader.Load(name, TorchSharp.torch.CPU, nc);
        using var model = loaded.Model;
        var profile = ModelProfile.Measure(model, imgsz);
        var plan = precision == Precision.Int8 ? Int8Plan(loaded, int8, ct) : null;
        foreach (var t in threads)
        {
            ct.ThrowIfCancellationRequested();
            using var threadScope = GhostYoloRuntime.UseThreads(t);
            InferenceRunner runner;
            try { runner = InferenceRunner.Create(model, precision, runtime, plan); }
            catch (NotSupportedException) { yield break; }
            using (runner)
            {
                if (runner.Precision != precision) yield break;   // the caller reports unsupported bf16 once
                var latency = LatencyMeter.Measure(runner.Run, model.Definition.InputChannels, imgsz, runs, warmup: 3, batch: batch);
                yield return new ForwardRow(profile.Name, profile.GFlops, profile.Parameters, t, precision, runner.Runtime, latency)
                {
                    Graph = runner.Inspect(batch, imgsz, imgsz),
                };
            }
        }
    }
}
