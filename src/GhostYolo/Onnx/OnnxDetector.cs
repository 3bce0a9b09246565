using GhostYolo.Nn;
using GhostYolo.Onnx.Quantization;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>
/// Runs a detection model through ONNX Runtime's CPU engine: exported once per input shape (a video has one; the four
/// most recent shapes are kept), then fed the uint8 image tensor without a copy. Output equals the TorchSharp model's decoded output within float
/// rounding. ONNX Runtime plans memory and fuses Conv+activation chains for a static graph, which is where it beats
/// eager libtorch in fp32 on CPU.
/// </summary>
internal sealed class OnnxDetector : IDisposable
{
    private readonly DetectionModel _model;
    private readonly int _threads;
    private readonly QuantizationPlan? _int8;
    // Most recently used last. A folder of mixed image shapes would otherwise keep one session (weights + arena) per shape.
    private readonly List<((long B, long H, long W) Key, InferenceSession Session)> _sessions = [];
    private const int MaxSessions = 4;
    private readonly RunOptions _runOptions = new();

    /// <param name="model">A fused fp32 model in eval mode (see <see cref="DetectionModel.PrepareForInference"/>).</param>
    /// <param name="threads">Intra-op threads (the same meaning as torch's <c>set_num_threads</c>).</param>
    /// <param name="int8">Run the convolutions in int8 (QDQ graph) with these calibrated ranges; null: fp32.</param>
    public OnnxDetector(DetectionModel model, int threads, QuantizationPlan? int8 = null)
    {
        _model = model;
        _threads = threads;
        _int8 = int8;
    }

    /// <summary>Convolutions in int8 (QDQ graph, SiLUs as table lookups).</summary>
    public bool IsInt8 => _int8 is not null;

    /// <summary>The graph this detector runs at one input shape (fp32 or QDQ int8), uint8 images in.</summary>
    public byte[] Graph(int batch, int height, int width) => OnnxExporter.Export(_model, batch, height, width, _int8);

    /// <summary>(B, 3, H, W) uint8 RGB on the CPU → decoded head output as a float32 tensor.</summary>
    public Tensor Run(Tensor images)
    {
        if (images.dtype != ScalarType.Byte || images.device_type != DeviceType.CPU || images.dim() != 4)
            throw new ArgumentException("expected a (B, 3, H, W) uint8 CPU tensor", nameof(images));
        using var contiguous = images.contiguous();
        var shape = contiguous.shape;
        return OrtRun.FirstOutput(Session((shape[0], shape[2], shape[3])), _runOptions, OnnxExporter.InputName, contiguous, TensorElementType.UInt8);
    }

    private InferenceSession Session((long B, long H, long W) key)
    {
        int found = _sessions.FindIndex(e => e.Key == key);
        if (found >= 0)
        {
            var hit = _sessions[found];
            _sessions.RemoveAt(found);
            _sessions.Add(hit);
            return hit.Session;
        }
        if (_sessions.Count == MaxSessions)
        {
            _sessions[0].Session.Dispose();
            _sessions.RemoveAt(0);
        }
        var session = OrtRun.Session(Graph((int)key.B, (int)key.H, (int)key.W), _threads, IsInt8);
        _sessions.Add((key, session));
        return session;
    }

    public void Dispose()
    {
        foreach (var (_, session) in _sessions) session.Dispose();
        _runOptions.Dispose();
        _sessions.Clear();
    }
}
