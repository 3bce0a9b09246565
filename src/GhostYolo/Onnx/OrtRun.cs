using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>What GhostYolo's two ONNX Runtime engines share: session settings and one forward pass on a TorchSharp tensor.</summary>
internal static class OrtRun
{
    /// <summary>Full graph optimisation, sequential execution, <paramref name="threads"/> intra-op threads (torch's meaning).</summary>
    public static SessionOptions Options(int threads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = threads,
        InterOpNumThreads = 1,
    };

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
