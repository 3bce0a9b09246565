using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>Copies a tensor's values into a managed array (CPU, contiguous, float32), handling empty tensors —
/// TorchSharp's accessor throws on those, and images without labels or detections produce them.</summary>
internal static class TensorData
{
    public static float[] ToFloats(Tensor t)
    {
        if (t.numel() == 0) return [];
        using var c = t.detach().cpu().to(ScalarType.Float32).contiguous();
        return c.data<float>().ToArray();
    }

    public static int[] ToInts(Tensor t) => ToFloats(t).Select(v => (int)v).ToArray();
}
