using System.Runtime.InteropServices;
using GhostYolo.Nn;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>
/// Runs a detection model through ONNX Runtime's CPU engine: exported once per input shape (a video has one), then
/// fed the uint8 image tensor without a copy. Output equals the TorchSharp model's decoded output within float
/// rounding. ONNX Runtime plans memory and fuses Conv+activation chains for a static graph, which is where it beats
/// eager libtorch in fp32 on CPU.
/// </summary>
public sealed class OnnxDetector : IDisposable
{
    private readonly DetectionModel _model;
    private readonly int _threads;
    private readonly Dictionary<(long B, long H, long W), InferenceSession> _sessions = [];

    /// <param name="model">A fused fp32 model in eval mode (see <see cref="DetectionModel.PrepareForInference"/>).</param>
    /// <param name="threads">Intra-op threads (the same meaning as torch's <c>set_num_threads</c>).</param>
    public OnnxDetector(DetectionModel model, int threads)
    {
        _model = model;
        _threads = threads;
    }

    /// <summary>(B, 3, H, W) uint8 RGB on the CPU → decoded head output as a float32 tensor.</summary>
    public unsafe Tensor Run(Tensor images)
    {
        if (images.dtype != ScalarType.Byte || images.device_type != DeviceType.CPU || images.dim() != 4)
            throw new ArgumentException("expected a (B, 3, H, W) uint8 CPU tensor", nameof(images));
        using var contiguous = images.contiguous();
        var shape = contiguous.shape;
        var session = Session((shape[0], shape[2], shape[3]));
        var bytes = contiguous.bytes;
        fixed (byte* p = bytes)
        {
            using var input = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.UInt8, shape, (IntPtr)p, bytes.Length);
            using var outputs = session.Run(new RunOptions(), [OnnxExporter.InputName], [input], session.OutputNames);
            var o = outputs[0];
            var result = empty(o.GetTensorTypeAndShape().Shape, ScalarType.Float32);
            MemoryMarshal.AsBytes(o.GetTensorDataAsSpan<float>()).CopyTo(result.bytes);
            return result;
        }
    }

    private InferenceSession Session((long B, long H, long W) key)
    {
        if (_sessions.TryGetValue(key, out var s)) return s;
        var bytes = OnnxExporter.Export(_model, (int)key.B, (int)key.H, (int)key.W);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _threads,
            InterOpNumThreads = 1,
        };
        s = new InferenceSession(bytes, options);
        _sessions[key] = s;
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _sessions.Values) s.Dispose();
        _sessions.Clear();
    }
}
