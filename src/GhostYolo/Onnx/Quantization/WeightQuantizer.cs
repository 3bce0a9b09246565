namespace GhostYolo.Onnx.Quantization;

/// <summary>
/// Symmetric int8 quantization of convolution weights per output channel (ONNX Runtime's default for QDQ Conv): each
/// channel's step is max|w| / 127, values round to the nearest step in [−127, 127], the zero point is 0. Biases become
/// int32 in the step (input scale × channel scale) that the integer accumulator carries.
/// </summary>
internal static class WeightQuantizer
{
    /// <param name="weights">(Cout, …) row-major.</param>
    /// <returns>The int8 values and one scale per output channel.</returns>
    public static (sbyte[] Values, float[] Scales) PerChannel(ReadOnlySpan<float> weights, int outputChannels)
    {
        int per = weights.Length / outputChannels;
        var q = new sbyte[weights.Length];
        var scales = new float[outputChannels];
        for (int c = 0; c < outputChannels; c++)
        {
            var w = weights.Slice(c * per, per);
            float max = 0;
            foreach (var v in w) max = Math.Max(max, Math.Abs(v));
            float s = max > 0 ? max / 127f : 1f;   // an all-zero channel: any step reproduces it
            scales[c] = s;
            for (int i = 0; i < per; i++) q[c * per + i] = (sbyte)Math.Clamp(MathF.Round(w[i] / s), -127, 127);
        }
        return (q, scales);
    }

    /// <summary>Inverse of <see cref="PerChannel"/>: what DequantizeLinear computes.</summary>
    public static float[] Dequantize(ReadOnlySpan<sbyte> values, ReadOnlySpan<float> scales)
    {
        int per = values.Length / scales.Length;
        var w = new float[values.Length];
        for (int i = 0; i < values.Length; i++) w[i] = values[i] * scales[i / per];
        return w;
    }

    /// <summary>int32 bias in steps of <paramref name="inputScale"/> × each channel's weight scale.</summary>
    public static (int[] Values, float[] Scales) Bias(ReadOnlySpan<float> bias, ReadOnlySpan<float> weightScales, float inputScale)
    {
        var q = new int[bias.Length];
        var scales = new float[bias.Length];
        for (int c = 0; c < bias.Length; c++)
        {
            scales[c] = inputScale * weightScales[c];
            q[c] = (int)Math.Clamp(Math.Round((double)bias[c] / scales[c]), int.MinValue, int.MaxValue);
        }
        return (q, scales);
    }
}
