namespace GhostYolo.Onnx.Quantization;

/// <summary>How <see cref="QdqQuantizer"/> lays out the QDQ graph beyond the convolutions it quantizes.</summary>
internal sealed record QdqOptions
{
    /// <summary>What <see cref="QuantizationPlan"/> uses unless told otherwise.</summary>
    public static QdqOptions Default { get; } = new();

    /// <summary>The operations between convolutions that run in 8 bits where all their inputs are quantized.</summary>
    public Int8Ops Ops { get; init; } = Int8Ops.All;

    /// <summary>Give a quantized Concat and its inputs one scale (the union of their ranges), so QLinearConcat copies
    /// bytes instead of requantizing every element through a table; off: each keeps its own calibrated range.</summary>
    public bool ShareConcatScales { get; init; }

    /// <summary>Quantized nearest upsampling as data movement on the 8-bit tensor (<see cref="Upsampling"/>) instead of a Resize.</summary>
    public bool UpsampleByExpand { get; init; } = true;

    /// <summary>Pad a quantized convolution's input to a multiple of 4 channels (the image's 3 to 4) so ONNX Runtime runs
    /// it with its symmetric VNNI kernel.</summary>
    public bool AlignInputChannels { get; init; } = true;
}
