using static TorchSharp.torch;

namespace GhostYolo.Data;

/// <summary>Where a batch image came from and how to map its boxes back to the original pixels.</summary>
/// <param name="Path">Image file.</param>
/// <param name="Original">(H, W) of the file.</param>
/// <param name="Resized">(H, W) after load_image (long side = imgsz), before letterbox padding.</param>
/// <param name="RatioPad">Validation only: gain (height ratio, ultralytics <c>ratio_pad[0][0]</c>) and the integer left/top
/// padding; original = (letterboxed − pad) / gain.</param>
internal sealed record ImageInfo(string Path, (int H, int W) Original, (int H, int W) Resized, (double Gain, double PadW, double PadH)? RatioPad);

/// <summary>
/// A collated training/validation batch (ultralytics <c>collate_fn</c>): <see cref="Images"/> uint8 (B,3,H,W) RGB,
/// <see cref="Targets"/> float32 (N,6) = [batch_index, class, cx, cy, w, h] normalised to the batch image size.
/// </summary>
internal sealed class Batch(Tensor images, Tensor targets, IReadOnlyList<ImageInfo> items) : IDisposable
{
    /// <summary>uint8 (B, 3, H, W), RGB.</summary>
    public Tensor Images { get; } = images;
    /// <summary>float32 (N, 6): batch index, class, cx, cy, w, h (normalised).</summary>
    public Tensor Targets { get; } = targets;
    /// <summary>Per image info, in batch order.</summary>
    public IReadOnlyList<ImageInfo> Items { get; } = items;
    /// <summary>Number of images.</summary>
    public int Size => Items.Count;

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Targets.Dispose();
    }
}
