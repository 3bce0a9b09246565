using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhostYolo.Onnx.Quantization;

/// <summary>How activation ranges are taken from the calibration images.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CalibrationMethod>))]
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,
    /// <summary>The 0.01st and 99.99th percentiles of all values seen: a few outliers no longer widen the step.</summary>
    Percentile,
}

/// <summary>The float range [Min, Max] of one activation tensor, from calibration.</summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>uint8 affine parameters covering the range (which is widened to include 0, so 0 is exact).</summary>
    public (float Scale, byte ZeroPoint) UInt8()
    {
        float lo = Math.Min(Min, 0f), hi = Math.Max(Max, 0f);
        float scale = Math.Max((hi - lo) / 255f, 1e-8f);
        return (scale, (byte)Math.Clamp(MathF.Round(-lo / scale), 0, 255));
    }
}

/// <summary>
/// What the QDQ pass needs to quantize a graph: an activation range for each quantization point (keyed as
/// <see cref="QdqQuantizer.Points"/> names them: <c>conv{k}.in</c>, <c>conv{k}.out</c>, <c>conv{k}.sigmoid</c>,
/// <c>conv{k}.act</c>, k the convolution's position in the graph; <c>add{j}.out</c> and <c>concat{j}.out</c>, j the node's
/// position among the graph's adds or concatenations) and the convolutions that stay float.
/// </summary>
internal sealed record QuantizationPlan(CalibrationMethod Method, IReadOnlyDictionary<string, ActivationRange> Ranges, IReadOnlyList<int> FloatConvs)
{
    /// <summary>How the graph around the quantized convolutions is laid out (not part of the calibration).</summary>
    public QdqOptions Options { get; init; } = QdqOptions.Default;

    /// <summary>The same ranges with other convolutions kept float.</summary>
    public QuantizationPlan WithFloat(IEnumerable<int> convs) => this with { FloatConvs = [.. convs.Distinct().Order()] };
}
