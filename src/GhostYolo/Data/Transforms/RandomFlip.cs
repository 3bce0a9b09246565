using OpenCvSharp;

namespace GhostYolo.Data.Transforms;

/// <summary>Flip direction.</summary>
internal enum FlipDirection
{
    /// <summary>Left-right (mirror columns).</summary>
    Horizontal,
    /// <summary>Up-down (mirror rows).</summary>
    Vertical,
}

/// <summary>Random flip with probability p (ultralytics <c>RandomFlip</c>, training.md §2.7); always draws once.</summary>
internal sealed class RandomFlip(double p, FlipDirection direction) : ITransform
{
    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        if (rng.NextDouble() >= p) return;
        int h = sample.Image.Rows, w = sample.Image.Cols;
        Cv2.Flip(sample.Image, sample.Image, direction == FlipDirection.Horizontal ? FlipMode.Y : FlipMode.X);
        for (int i = 0; i < sample.Boxes.Count; i++)
        {
            var b = sample.Boxes[i];
            sample.Boxes[i] = direction == FlipDirection.Horizontal
                ? b with { X1 = w - b.X2, X2 = w - b.X1 }
                : b with { Y1 = h - b.Y2, Y2 = h - b.Y1 };
        }
    }
}
