using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>
/// Decodes images the way the whole pipeline expects them (ultralytics <c>load_image</c>, training.md §1.6):
/// 3-channel 8-bit BGR (grayscale, 16-bit and alpha converted, EXIF orientation applied), long side resized to imgsz.
/// </summary>
internal static class ImageLoader
{
    /// <summary>Reads an image as 8-bit BGR with EXIF orientation applied; throws <see cref="DatasetException"/> naming the file.</summary>
    public static Mat Read(string path)
    {
        // ImreadModes.Color = 8-bit, 3 channels, EXIF orientation applied (IgnoreOrientation not set).
        var img = Cv2.ImRead(path, ImreadModes.Color);
        if (img.Empty())
        {
            img.Dispose();
            throw new DatasetException($"{path}: cannot decode image (missing, truncated or not an image)");
        }
        return img;
    }

    /// <summary>
    /// Reads and resizes so the long side equals <paramref name="imgsz"/>: <c>w = min(ceil(w0·r), imgsz)</c>, INTER_LINEAR
    /// for both up- and down-scaling. Returns the image with its original and resized (H, W).
    /// </summary>
    public static (Mat Image, (int H, int W) Original, (int H, int W) Resized) Load(string path, int imgsz)
    {
        var img = Read(path);
        var original = (img.Rows, img.Cols);
        var resized = ResizeLongSide(ref img, imgsz);
        return (img, original, resized);
    }

    /// <summary>Resizes <paramref name="img"/> in place (disposing the old Mat) so its long side is <paramref name="imgsz"/>.</summary>
    public static (int H, int W) ResizeLongSide(ref Mat img, int imgsz)
    {
        int h0 = img.Rows, w0 = img.Cols;
        double r = (double)imgsz / Math.Max(h0, w0);
        if (r == 1) return (h0, w0);
        int w = Math.Min((int)Math.Ceiling(w0 * r), imgsz), h = Math.Min((int)Math.Ceiling(h0 * r), imgsz);
        var dst = new Mat();
        Cv2.Resize(img, dst, new Size(w, h), 0, 0, InterpolationFlags.Linear);
        img.Dispose();
        img = dst;
        return (h, w);
    }
}
