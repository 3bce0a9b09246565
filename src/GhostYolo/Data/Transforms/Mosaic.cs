using OpenCvSharp;

namespace GhostYolo.Data.Transforms;

/// <summary>
/// 4-image mosaic (ultralytics <c>Mosaic._mosaic4</c>, training.md §2.1): the anchor top-left around a random centre in a
/// 2s×2s canvas filled with 114, three partners drawn with replacement from the sample's recent-image buffer.
/// Boxes are clipped to the canvas and zero-area boxes dropped; RandomPerspective later crops the −s/2 border.
/// With <paramref name="yolov5"/> it is yolov5 v7.0's <c>load_mosaic</c> instead (training.md §2.12): the three partners are drawn
/// uniformly from the whole dataset and the four images are shuffled, so the sample lands in a random quadrant.
/// </summary>
internal sealed class Mosaic(ISampleSource source, int imgsz, double p = 1.0, bool yolov5 = false) : ITransform
{
    /// <summary>Mosaic probability.</summary>
    public double P { get; } = p;

    /// <inheritdoc />
    public void Apply(Sample sample, Random rng)
    {
        if (rng.NextDouble() > P) return;
        var buffer = sample.Buffer.Count > 0 ? sample.Buffer : [sample.Index];
        int s = imgsz;
        // v5 draws the centre first, then the partners; ultralytics the partners first.
        int yc = 0, xc = 0;
        if (yolov5) (yc, xc) = ((int)rng.Uniform(s / 2.0, 1.5 * s), (int)rng.Uniform(s / 2.0, 1.5 * s));
        // Tile order: -1 is the sample itself, otherwise a dataset index.
        var order = new int[4];
        order[0] = -1;
        for (int k = 1; k < 4; k++) order[k] = yolov5 ? rng.Next(source.Count) : buffer[rng.Next(buffer.Count)];
        if (yolov5) rng.Shuffle(order);
        else (yc, xc) = ((int)rng.Uniform(s / 2.0, 1.5 * s), (int)rng.Uniform(s / 2.0, 1.5 * s));

        var canvas = new Mat(2 * s, 2 * s, MatType.CV_8UC3, LetterBox.PadColor);
        var boxes = new List<LabelBox>();
        for (int i = 0; i < 4; i++)
        {
            bool own = order[i] < 0;
            Sample tile = own ? sample : source.LoadImageAndLabel(order[i]);
            try
            {
                int h = tile.Image.Rows, w = tile.Image.Cols;
                int x1a, y1a, x2a, y2a, x1b, y1b, x2b, y2b;
                switch (i)
                {
                    case 0:
                        (x1a, y1a, x2a, y2a) = (Math.Max(xc - w, 0), Math.Max(yc - h, 0), xc, yc);
                        (x1b, y1b, x2b, y2b) = (w - (x2a - x1a), h - (y2a - y1a), w, h);
                        break;
                    case 1:
                        (x1a, y1a, x2a, y2a) = (xc, Math.Max(yc - h, 0), Math.Min(xc + w, 2 * s), yc);
                        (x1b, y1b, x2b, y2b) = (0, h - (y2a - y1a), Math.Min(w, x2a - x1a), h);
                        break;
                    case 2:
                        (x1a, y1a, x2a, y2a) = (Math.Max(xc - w, 0), yc, xc, Math.Min(2 * s, yc + h));
                        (x1b, y1b, x2b, y2b) = (w - (x2a - x1a), 0, w, Math.Min(y2a - y1a, h));
                        break;
                    default:
                        (x1a, y1a, x2a, y2a) = (xc, yc, Math.Min(xc + w, 2 * s), Math.Min(2 * s, yc + h));
                        (x1b, y1b, x2b, y2b) = (0, 0, Math.Min(w, x2a - x1a), Math.Min(y2a - y1a, h));
                        break;
                }
                if (x2a > x1a && y2a > y1a)
                {
                    using var src = new Mat(tile.Image, new Rect(x1b, y1b, x2b - x1b, y2b - y1b));
                    using var dst = new Mat(canvas, new Rect(x1a, y1a, x2a - x1a, y2a - y1a));
                    src.CopyTo(dst);
                }
                int padw = x1a - x1b, padh = y1a - y1b;
                foreach (var b in tile.Boxes)
                {
                    var nb = new LabelBox(b.Class,
                        Math.Clamp(b.X1 + padw, 0, 2 * s), Math.Clamp(b.Y1 + padh, 0, 2 * s),
                        Math.Clamp(b.X2 + padw, 0, 2 * s), Math.Clamp(b.Y2 + padh, 0, 2 * s));
                    if (nb.W * nb.H > 0) boxes.Add(nb);
                }
            }
            finally
            {
                if (!own) tile.Dispose();
            }
        }
        sample.ReplaceImage(canvas);
        sample.Boxes = boxes;
        sample.MosaicBorder = (-s / 2, -s / 2);
    }
}
