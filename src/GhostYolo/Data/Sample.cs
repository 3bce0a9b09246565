using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>One object in absolute pixel corners of the current image (x1, y1, x2, y2).</summary>
internal readonly record struct LabelBox(int Class, float X1, float Y1, float X2, float Y2)
{
    /// <summary>Box width in pixels.</summary>
    public float W => X2 - X1;
    /// <summary>Box height in pixels.</summary>
    public float H => Y2 - Y1;
}

/// <summary>
/// An image travelling through the transforms with its boxes (ultralytics' labels dict + <c>Instances</c>).
/// Owns <see cref="Image"/> (8-bit BGR); transforms replace it through <see cref="ReplaceImage"/>.
/// </summary>
internal sealed class Sample : IDisposable
{
    /// <summary>Current image, 8-bit BGR.</summary>
    public required Mat Image { get; set; }
    /// <summary>Boxes in absolute pixels of <see cref="Image"/>.</summary>
    public List<LabelBox> Boxes { get; set; } = [];
    /// <summary>Dataset index of the (anchor) image.</summary>
    public int Index { get; init; }
    /// <summary>Image file.</summary>
    public string Path { get; init; } = "";
    /// <summary>Original (H, W) of the file.</summary>
    public (int H, int W) Original { get; set; }
    /// <summary>(H, W) after <see cref="ImageLoader.Load"/> (long side = imgsz).</summary>
    public (int H, int W) Resized { get; set; }
    /// <summary>Set (to anything) to request ratio/pad bookkeeping from <see cref="Transforms.LetterBox"/> (validation).</summary>
    public (double Gain, double PadW, double PadH)? RatioPad { get; set; }
    /// <summary>Set by Mosaic: the negative border RandomPerspective crops away.</summary>
    public (int X, int Y)? MosaicBorder { get; set; }
    /// <summary>Per-batch letterbox shape for rectangular validation batches.</summary>
    public (int H, int W)? RectShape { get; set; }
    /// <summary>Recently loaded dataset indices Mosaic may pick partners from (includes the anchor).</summary>
    public IReadOnlyList<int> Buffer { get; set; } = [];

    /// <summary>Swaps in a new image and disposes the old one.</summary>
    public void ReplaceImage(Mat image)
    {
        if (!ReferenceEquals(image, Image)) Image.Dispose();
        Image = image;
    }

    /// <inheritdoc />
    public void Dispose() => Image.Dispose();
}
