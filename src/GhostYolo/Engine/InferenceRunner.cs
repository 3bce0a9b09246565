using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using GhostYolo.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>Which engine runs the network at inference time.</summary>
public enum InferenceRuntime
{
    /// <summary>ONNX Runtime for fp32 and int8 on the CPU when every layer exports; libtorch otherwise (bf16, CUDA, other blocks).</summary>
    Auto,
    /// <summary>libtorch eager (TorchSharp): every block, fp32 or bf16, CPU or CUDA.</summary>
    Torch,
    /// <summary>ONNX Runtime's CPU engine on the exported graph: fp32, or int8 (QDQ) with a calibration.</summary>
    Onnx,
    /// <summary>A TorchScript file run by libtorch: only the reference rows of <c>benchmark --baseline</c>, never a runner.</summary>
    TorchScript,
}

/// <summary>Parses <c>auto</c>, <c>torch</c>, <c>onnx</c> from the command line.</summary>
internal static class InferenceRuntimeParser
{
    public static InferenceRuntime Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => InferenceRuntime.Auto,
        "torch" or "libtorch" => InferenceRuntime.Torch,
        "onnx" or "onnxruntime" or "ort" => InferenceRuntime.Onnx,
        _ => throw new ArgumentException($"runtime '{text}' is not valid; use auto, torch or onnx"),
    };
}

/// <summary>
/// The inference form of a model: uint8 image batches in, the decoded head output out (the one layout of
/// <see cref="IDetectHead.Decode"/>, (B, 4+nc, A) fp32, for every head) — on libtorch or on ONNX Runtime, which the predictor, the latency tables and the benchmarks share.
/// Measured here (yolov8n, 640, batch 1): ONNX Runtime fp32 is 1.2–1.5× faster than libtorch fp32, libtorch bf16 faster still,
/// and ONNX Runtime int8 (QDQ, AVX-512 VNNI) 1.7× faster than its fp32 on one thread, 1.5–1.6× on two (22–24 against 40 ms,
/// 15 against 23), 1.3× faster than libtorch bf16.
/// </summary>
internal sealed class InferenceRunner : IDisposable
{
    private readonly DetectionModel? _model;
    private readonly OnnxDetector? _onnx;
    private readonly OnnxModelFile? _file;

    private InferenceRunner(DetectionModel model, Precision precision, OnnxDetector? onnx)
    {
        _model = model;
        Precision = precision;
        _onnx = onnx;
        Nc = model.Nc;
        MaxStride = (int)model.MaxStride;
    }

    private InferenceRunner(OnnxModelFile file)
    {
        _file = file;
        Precision = Precision.Fp32;
        Nc = file.Nc;
        MaxStride = file.Stride;
    }

    /// <summary>Runs an ONNX detector file (ultralytics', yolov5's or GhostYolo's export) on ONNX Runtime with torch's
    /// current intra-op thread count.</summary>
    public static InferenceRunner FromOnnxFile(OnnxModelFile file) => new(file);

    public int Nc { get; }
    public int MaxStride { get; }
    /// <summary>An ONNX file exported for one input size takes only that size (letterbox square to it); null: any size.</summary>
    public (int H, int W)? FixedSize => _file?.FixedSize;
    /// <summary>An ONNX file exported for one batch size takes only that many images; null: any batch.</summary>
    public int? FixedBatch => _file?.FixedBatch;

    /// <summary>The precision actually used (bf16 falls back to fp32 on CPUs without native bfloat16).</summary>
    public Precision Precision { get; }
    /// <summary>The engine actually used: <see cref="InferenceRuntime.Torch"/> or <see cref="InferenceRuntime.Onnx"/>.</summary>
    public InferenceRuntime Runtime => _onnx is null && _file is null ? InferenceRuntime.Torch : InferenceRuntime.Onnx;
    /// <summary>Why <see cref="InferenceRuntime.Auto"/> chose libtorch, when it did for a reason the user may want to know.</summary>
    public string? Note { get; private init; }

    /// <summary>
    /// Puts <paramref name="model"/> into its inference form in place (fused, eval, channels-last, bf16 if asked and
    /// supported) and picks the engine. ONNX Runtime uses torch's current intra-op thread count.
    /// </summary>
    /// <exception cref="ArgumentException">ONNX Runtime was asked for bf16 or a non-CPU device.</exception>
    /// <exception cref="NotSupportedException">ONNX Runtime was asked for a model with a layer it cannot export (named).</exception>
    /// <param name="int8">The calibration an int8 runner quantizes with (<see cref="Int8Calibration.Prepare"/>); required for
    /// <see cref="Precision.Int8"/>, which runs only on ONNX Runtime.</param>
    public static InferenceRunner Create(DetectionModel model, Precision precision = Precision.Fp32, InferenceRuntime runtime = InferenceRuntime.Auto,
        Onnx.Quantization.QuantizationPlan? int8 = null)
    {
        if (precision == Precision.Int8)
        {
            if (runtime == InferenceRuntime.Torch)
                throw new ArgumentException("int8 runs on ONNX Runtime only (libtorch has no int8 CPU path here): use --runtime onnx or auto with --precision int8");
            if (int8 is null) throw new ArgumentException("int8 needs a calibration: give --data data.yaml (the model's training set) to calibrate on");
            model.PrepareForInference(Precision.Fp32);
            if (model.parameters().First().device.type != DeviceType.CPU)
                throw new ArgumentException("int8 runs on the CPU (ONNX Runtime); use --device cpu");
            if (OnnxExporter.WhyNotExportable(model) is { } whyNot) throw new NotSupportedException($"cannot run int8 on ONNX Runtime: {whyNot}");
            return new InferenceRunner(model, Precision.Int8, new OnnxDetector(model, get_num_threads(), int8));
        }
        var actual = model.PrepareForInference(precision);
        bool cpu = model.parameters().First().device.type == DeviceType.CPU;
        if (runtime == InferenceRuntime.Onnx && actual != Precision.Fp32)
            throw new ArgumentException("ONNX Runtime has no bf16 CPU kernels; use --runtime torch (or auto) for bf16");
        if (runtime == InferenceRuntime.Onnx && !cpu)
            throw new ArgumentException("--runtime onnx runs on the CPU; use --runtime torch with a CUDA device");
        if (runtime == InferenceRuntime.Torch || actual != Precision.Fp32 || !cpu) return new InferenceRunner(model, actual, null);
        var why = OnnxExporter.WhyNotExportable(model);
        if (why is not null)
        {
            if (runtime == InferenceRuntime.Onnx) throw new NotSupportedException($"cannot run on ONNX Runtime: {why}");
            return new InferenceRunner(model, actual, null) { Note = $"running on libtorch: {why}" };
        }
        return new InferenceRunner(model, actual, new OnnxDetector(model, get_num_threads()));
    }

    /// <summary>(B, C, H, W) uint8 images → the decoded layout (B, 4+nc, A) (fp32, on the model's device). Call under inference mode.</summary>
    public Tensor Run(Tensor images)
    {
        // ONNX graphs (ours and other tools') output the reference layout, which is the file format's contract; the head
        // (or, for a foreign file, the layout its output shape declares) turns it into the decoded one.
        if (_file is not null)
            return ToDecoded(_file.Run(images), _file.Head == HeadKind.Anchors ? DecodedLayout.FromObjectness : null);
        if (_onnx is not null) return ToDecoded(_onnx.Run(images), _model!.Head is { } head ? head.DecodeReferenceOutput : null);
        return _model!.Predict(_model.PrepareInput(images));
    }

    private static Tensor ToDecoded(Tensor output, Func<Tensor, Tensor>? decode)
    {
        if (decode is null) return output;
        var decoded = decode(output);
        if (!ReferenceEquals(decoded, output)) output.Dispose();
        return decoded;
    }

    /// <summary>Integer and float convolutions (and SiLU lookups) in the graph ONNX Runtime runs at this input shape; null on libtorch or for an ONNX file.</summary>
    public OptimizedGraph? Inspect(int batch, int height, int width) => _onnx is null ? null : OptimizedGraph.Inspect(_onnx.Graph(batch, height, width), get_num_threads(), _onnx.IsInt8);

    public void Dispose()
    {
        _onnx?.Dispose();
        _file?.Dispose();
    }
}
