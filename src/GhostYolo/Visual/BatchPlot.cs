using GhostYolo.Data;
using OpenCvSharp;

namespace GhostYolo.Visual;

/// <summary>
/// Grid mosaic of a batch with its label boxes and class names (ultralytics <c>plot_images</c> → <c>train_batch0.jpg</c>).
/// </summary>
internal static class BatchPlot
{
    /// <summary>Renders and writes the mosaic to <paramref name="path"/>.</summary>
    public static void Save(string path, Batch batch, IReadOnlyList<string> names, int maxImages = 16, int maxSize = 1920)
    {
        using var img = Render(batch, names, maxImages, maxSize);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Cv2.ImWrite(path, img);
    }

    /// <summary>Renders up to <paramref name="maxImages"/> images in a ceil(√n) grid on white, scaled to at most <paramref name="maxSize"/>.</summary>
    public static Mat Render(Batch batch, IReadOnlyList<string> names, int maxImages = 16, int maxSize = 1920)
    {
        int bs = Math.Min((int)batch.Images.shape[0], maxImages);
        int h = (int)batch.Images.shape[2], w = (int)batch.Images.shape[3];
        int ns = (int)Math.Ceiling(Math.Sqrt(bs));
        double scale = Math.Min(1.0, maxSize / (double)ns / Math.Max(h, w));
        int th = (int)Math.Ceiling(h * scale), tw = (int)Math.Ceiling(w * scale);
        var mosaic = new Mat(ns * th, ns * tw, MatType.CV_8UC3, Scalar.All(255));
        var targets = Metrics.TensorData.ToFloats(batch.Targets); // (N, 6)
        int lw = Math.Max(1, (int)Math.Round(Math.Max(th, tw) / 200.0));
        for (int i = 0; i < bs; i++)
        {
            using var chw = batch.Images[i];                   // (3, H, W) RGB
            using var tile = ImageTensor.ToBgr(chw);
            using var resized = new Mat();
            if (scale < 1) Cv2.Resize(tile, resized, new Size(tw, th), 0, 0, InterpolationFlags.Linear); else tile.CopyTo(resized);
            var boxes = new List<DrawBox>();
            for (int r = 0; r < targets.Length; r += 6)
            {
                if ((int)targets[r] != i) continue;
                float cx = targets[r + 2] * tw, cy = targets[r + 3] * th, bw = targets[r + 4] * tw, bh = targets[r + 5] * th;
                boxes.Add(new DrawBox(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, (int)targets[r + 1]));
            }
            Drawing.Boxes(resized, boxes, names, lw);
            int x0 = i % ns * tw, y0 = i / ns * th;
            using (var dst = new Mat(mosaic, new Rect(x0, y0, tw, th))) resized.CopyTo(dst);
            Cv2.Rectangle(mosaic, new Rect(x0, y0, tw, th), Scalar.All(255), 2);
            string file = Path.GetFileName(batch.Items[i].Path);
            Cv2.PutText(mosaic, file.Length > 40 ? file[..40] : file, new Point(x0 + 5, y0 + 15), HersheyFonts.HersheySimplex, 0.4, new Scalar(220, 220, 220), 1, LineTypes.AntiAlias);
        }
        return mosaic;
    }
}
