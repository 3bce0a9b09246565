namespace GhostYolo.Nn;

/// <summary>Numeric precision of inference. Post-processing (NMS, metrics) always runs in fp32.</summary>
public enum Precision
{
    /// <summary>32-bit float: the reference.</summary>
    Fp32,
    /// <summary>bfloat16 weights and activations; ~1.8× faster than fp32 on CPUs with AVX-512 BF16.</summary>
    Bf16,
    /// <summary>int8 convolutions (uint8 activations, int8 weights) on ONNX Runtime, calibrated on training images
    /// (<see cref="Engine.Int8Calibration"/>); the head's decode stays fp32.</summary>
    Int8,
}

/// <summary>Parses <c>fp32</c>, <c>bf16</c> (also <c>half</c>), <c>int8</c> from the command line.</summary>
internal static class PrecisionParser
{
    public static Precision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "float" => Precision.Fp32,
        "bf16" or "bfloat16" or "half" => Precision.Bf16,
        "int8" or "i8" => Precision.Int8,
        _ => throw new ArgumentException($"precision '{text}' is not valid; use fp32, bf16 or int8"),
    };
}
