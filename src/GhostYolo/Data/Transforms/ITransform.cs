namespace GhostYolo.Data.Transforms;

/// <summary>A box-aware augmentation step; draws only from the <see cref="Random"/> it is given.</summary>
internal interface ITransform
{
    /// <summary>Transforms <paramref name="sample"/> in place (image and boxes).</summary>
    void Apply(Sample sample, Random rng);
}

/// <summary>Runs steps in order (ultralytics <c>Compose</c>).</summary>
internal sealed class TransformPipeline(IReadOnlyList<ITransform> steps) : ITransform
{
    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ITransform> Steps { get; } = steps;

    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        foreach (var t in Steps) t.Apply(sample, rng);
    }
}

/// <summary>Gives augmentations that combine images (Mosaic, MixUp) access to other dataset images.</summary>
internal interface ISampleSource
{
    /// <summary>Number of images.</summary>
    int Count { get; }
    /// <summary>Loads image <paramref name="index"/> (resized to imgsz) with its boxes in pixels; the caller disposes it.</summary>
    Sample LoadImageAndLabel(int index);
}

internal static class RandomExtensions
{
    /// <summary>U(a, b) like Python's <c>random.uniform</c>.</summary>
    public static double Uniform(this Random rng, double a, double b) => a + (b - a) * rng.NextDouble();
}
