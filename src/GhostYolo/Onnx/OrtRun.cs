using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>What GhostYolo's two ONNX Runtime engines share: session settings and one forward pass on a TorchSharp tensor.</summary>
internal static class OrtRun
{
    /// <summary>Full graph optimisation, sequential execution, <paramref name="threads"/> intra-op threads (torch's meaning),
    /// no spin-waiting unless <c>GHOSTYOLO_ORT_SPIN=1</c>.</summary>
    public static SessionOptions Options(int threads)
    {
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        // Idle pool threads block instead of spinning. Spinning wins a little on an idle machine, but when anything else
        // wants the cores (libtorch's OpenMP workers in the same process, the decode and NMS threads of the detect
        // pipeline, other processes) a spinning two-thread pool ran slower than one thread: measured here under load,
        // yolov8n at 640 on 2 threads took 115–121 ms spinning against 59–63 ms blocking (one thread: 66–68 ms). That is
        // why ONNX Runtime's 2-thread row once did not scale right after the libtorch rows of a benchmark. Spinning only
        // inside a Run (session.force_spinning_stop, with or without a 200 µs spin_duration_us) does not change that: with
        // one busy-looping process beside it, yolov8n at 640 on 2 threads took 54–58 ms spinning against 42 ms blocking
        // (int8: 25–32 against 23), for 10–15 % gained on an idle machine (30.2 → 27.3 ms fp32, 17.9 → 15.6 int8).
        // On a machine that runs nothing else, GHOSTYOLO_ORT_SPIN=1 opts into spinning inside a Run: int8 yolov8n in the
        // detect pipeline on two threads went from 58–66 to 71–76 FPS, and with one busy process beside it from 45–48 to 33–36.
        if (SpinWithinRun(Environment.GetEnvironmentVariable("GHOSTYOLO_ORT_SPIN")))
        {
            o.AddSessionConfigEntry("session.intra_op.allow_spinning", "1");
            o.AddSessionConfigEntry("session.force_spinning_stop", "1");
        }
        else o.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return o;
    }

    /// <summary>True when <c>GHOSTYOLO_ORT_SPIN</c> is <c>1</c> (or <c>true</c>); any other value, or none, keeps blocking.</summary>
    internal static bool SpinWithinRun(string? setting) => setting is "1" || string.Equals(setting, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The graph ONNX Runtime runs for <paramref name="model"/> after its optimizations (fusions, the NHWC layout of
    /// integer convolutions), as saved through <c>SessionOptions.OptimizedModelFilePath</c>. It is tied to this CPU.</summary>
    public static byte[] Optimize(byte[] model, int threads)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ghostyolo-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = Options(threads))
            {
                options.OptimizedModelFilePath = path;
                // ONNX Runtime warns on every save that the optimized file is tied to this CPU: true, and why it never leaves the process.
                options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
                using var session = new InferenceSession(model, options);
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The graph an int8 session runs: <paramref name="qdqModel"/> optimized, then each SiLU made one table lookup
    /// (<see cref="SiluLookup"/>); <c>Fused</c> counts them.</summary>
    public static (byte[] Model, int Fused) Int8Graph(byte[] qdqModel, int threads) => SiluLookup.Rewrite(Optimize(qdqModel, threads));

    /// <summary>A session for <paramref name="model"/>; for an int8 (QDQ) model, on the graph of <see cref="Int8Graph"/>,
    /// loaded with optimization off since it is optimized already. <paramref name="configure"/> adds settings of its own
    /// (tools/int8/profile_ops.cs turns on ONNX Runtime's profiler).</summary>
    public static InferenceSession Session(byte[] model, int threads, bool int8, Action<SessionOptions>? configure = null)
    {
        using var options = Options(threads);
        configure?.Invoke(options);
        if (!int8) return new InferenceSession(model, options);
        var (graph, fused) = Int8Graph(model, threads);
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        if (fused > 0) LookupOp.Register(options);
        return new InferenceSession(graph, options);
    }

    /// <summary>Feeds <paramref name="input"/> (contiguous, CPU, of <paramref name="type"/>) without a copy and returns the
    /// graph's first output as a new float32 tensor.</summary>
    public static unsafe Tensor FirstOutput(InferenceSession session, RunOptions runOptions, string inputName, Tensor input, TensorElementType type)
    {
        var bytes = input.bytes;
        fixed (byte* p = bytes)
        {
            using var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, input.shape, (IntPtr)p, bytes.Length);
            using var outputs = session.Run(runOptions, [inputName], [value], [session.OutputNames[0]]);
            var o = outputs[0];
            var result = empty(o.GetTensorTypeAndShape().Shape, ScalarType.Float32);
            MemoryMarshal.AsBytes(o.GetTensorDataAsSpan<float>()).CopyTo(result.bytes);
            return result;
        }
    }
}
