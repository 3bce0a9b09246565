using OpenCvSharp;

namespace GhostYolo.Data.Transforms;

/// <summary>
/// MixUp (ultralytics <c>MixUp</c>, training.md §2.4): with probability p blend with a random dataset image that went
/// through the same pre-transforms (Mosaic, RandomPerspective), r ~ Beta(32, 32), labels concatenated.
/// </summary>
internal sealed class MixUp(ISampleSource source, ITransform preTransform, double p = 0.0) : ITransform
{
    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        if (rng.NextDouble() > p) return;
        using var other = source.LoadImageAndLabel(rng.Next(source.Count));
        other.Buffer = sample.Buffer;
        preTransform.Apply(other, rng);
        double r = Beta32(rng);
        if (other.Image.Size() != sample.Image.Size()) return; // pipelines give equal sizes; guard for custom ones
        var dst = new Mat();
        Cv2.AddWeighted(sample.Image, r, other.Image, 1 - r, 0, dst);
        sample.ReplaceImage(dst);
        sample.Boxes.AddRange(other.Boxes);
    }

    /// <summary>Beta(32, 32) as X/(X+Y) of two Gamma(32) draws (sum of 32 exponentials each).</summary>
    private static double Beta32(Random rng)
    {
        static double Gamma32(Random rng)
        {
            double sum = 0;
            for (int i = 0; i < 32; i++) sum -= Math.Log(1 - rng.NextDouble());
            return sum;
        }
        double x = Gamma32(rng), y = Gamma32(rng);
        return x / (x + y);
    }
}
