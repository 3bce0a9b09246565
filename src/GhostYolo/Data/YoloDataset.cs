using GhostYolo.Data.Transforms;
using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>Dataset options; defaults follow ultralytics (imgsz 640, batch 16, stride 32).</summary>
internal sealed record DatasetOptions
{
    public int ImgSize { get; init; } = 640;
    /// <summary>Training augmentation on (Mosaic, perspective, HSV, flips); off = validation letterbox.</summary>
    public bool Augment { get; init; }
    /// <summary>Rectangular batches grouped by aspect ratio (validation, training.md §1.7).</summary>
    public bool Rect { get; init; }
    public int BatchSize { get; init; } = 16;
    public int Stride { get; init; } = 32;
    /// <summary>Rect padding in strides (0.5 for validation).</summary>
    public double Pad { get; init; }
    public AugmentOptions Augmentation { get; init; } = new();
    /// <summary>All classes become 0.</summary>
    public bool SingleClass { get; init; }
    /// <summary>Training only: keep the first round(n·fraction) images (ultralytics <c>fraction</c>).</summary>
    public double Fraction { get; init; } = 1.0;
}

/// <summary>An image in its final form (ultralytics <c>Format</c>): CHW RGB bytes and normalised labels.</summary>
/// <param name="Chw">3·H·W bytes, RGB planes.</param>
/// <param name="Labels">n·5 floats: class, cx, cy, w, h normalised to (W, H).</param>
internal sealed record FormattedSample(byte[] Chw, int Height, int Width, float[] Labels, ImageInfo Info);

/// <summary>
/// A YOLO detection dataset (ultralytics <c>YOLODataset</c>): training = augmented imgsz squares, validation =
/// letterboxed rectangular batches (scaleup off). Items are produced on demand and are deterministic given a seed.
/// </summary>
internal sealed class YoloDataset : ISampleSource, IDisposable
{
    private readonly List<LabeledImage> _images;
    private readonly ImageCache _cache;
    private ITransform _transforms;

    /// <summary>Creates a dataset over scanned images.</summary>
    public YoloDataset(LabelIndex index, IReadOnlyList<string> names, DatasetOptions options)
    {
        Options = options;
        Names = names;
        _images = [.. index.Images];
        if (options.Augment && options.Fraction < 1)
            _images = _images.Take((int)Math.Round(_images.Count * Math.Max(options.Fraction, 0))).ToList();
        BufferLength = Math.Min(_images.Count, Math.Min(options.BatchSize * 8, 1000));
        if (options.Rect) BatchShapes = SetRectangle();
        _cache = new ImageCache(options.Augment && options.Augmentation.Mosaic > 0 ? BufferLength + 2 * options.BatchSize : 0);
        _transforms = BuildTransforms(options.Augmentation);
    }

    /// <summary>Training dataset: augmented, square imgsz.</summary>
    public static YoloDataset ForTraining(LabelIndex index, IReadOnlyList<string> names, int imgsz = 640, int batchSize = 16, AugmentOptions? augment = null) =>
        new(index, names, new DatasetOptions { ImgSize = imgsz, Augment = true, BatchSize = batchSize, Augmentation = augment ?? new() });

    /// <summary>Validation dataset: rectangular batches (pad 0.5, stride 32), letterbox without upscaling.</summary>
    public static YoloDataset ForValidation(LabelIndex index, IReadOnlyList<string> names, int imgsz = 640, int batchSize = 32, int stride = 32) =>
        new(index, names, new DatasetOptions { ImgSize = imgsz, Augment = false, Rect = true, Pad = 0.5, BatchSize = batchSize, Stride = Math.Max(stride, 32) });

    public DatasetOptions Options { get; }
    public IReadOnlyList<string> Names { get; }
    /// <summary>Images in dataset order (sorted by aspect ratio when <see cref="DatasetOptions.Rect"/>).</summary>
    public IReadOnlyList<LabeledImage> Images => _images;
    /// <inheritdoc />
    public int Count => _images.Count;
    /// <summary>Mosaic buffer length <c>min(n, batch·8, 1000)</c>; the buffer holds this minus one recent images.</summary>
    public int BufferLength { get; }
    /// <summary>Rect mode: (H, W) of each batch (index = image index / batch size).</summary>
    public IReadOnlyList<(int H, int W)>? BatchShapes { get; }
    /// <summary>True after <see cref="CloseMosaic"/>.</summary>
    public bool MosaicClosed { get; private set; }
    /// <summary>Where decode, augmentation and formatting times are reported (e.g. <c>benchmark --what train</c>); null: not timed.</summary>
    public LoaderClock? Clock { get; set; }

    /// <summary>Rebuilds the training transforms without Mosaic/MixUp for the last close_mosaic epochs (training.md §2.10).</summary>
    public void CloseMosaic()
    {
        MosaicClosed = true;
        _transforms = BuildTransforms(Options.Augmentation.WithoutMosaic());
    }

    // Rect training letterboxes into the per-batch shape, so mosaic is off (ultralytics build_transforms).
    private ITransform BuildTransforms(AugmentOptions o) =>
        Options.Augment ? TrainTransforms.Build(Options.Rect ? o.WithoutMosaic() : o, Options.ImgSize, this) : ValTransforms.Build(Options.ImgSize);

    /// <inheritdoc />
    public Sample LoadImageAndLabel(int index)
    {
        var item = _images[index];
        var (img, original) = _cache.GetOrLoad(index, () =>
        {
            long start = Clock is null ? 0 : LoaderClock.Now();
            var m = ImageLoader.Read(item.ImagePath);
            var orig = (m.Rows, m.Cols);
            ImageLoader.ResizeLongSide(ref m, Options.ImgSize);
            Clock?.Add(LoaderStage.Decode, start);
            return (m, orig);
        });
        int h = img.Rows, w = img.Cols;
        var boxes = new List<LabelBox>(item.Boxes.Length);
        foreach (var b in item.Boxes)
            boxes.Add(new LabelBox(Options.SingleClass ? 0 : b.Class,
                (b.Cx - b.W / 2) * w, (b.Cy - b.H / 2) * h, (b.Cx + b.W / 2) * w, (b.Cy + b.H / 2) * h));
        return new Sample
        {
            Image = img, Boxes = boxes, Index = index, Path = item.ImagePath, Original = original, Resized = (h, w),
            RatioPad = Options.Augment ? null : (1.0, 0.0, 0.0),
            RectShape = BatchShapes is null ? null : BatchShapes[index / Options.BatchSize],
        };
    }

    /// <summary>
    /// Produces item <paramref name="index"/> for <paramref name="epoch"/>; all randomness comes from
    /// (seed, epoch, index). <paramref name="buffer"/> = recently loaded indices Mosaic may use.
    /// </summary>
    public FormattedSample GetItem(int index, int epoch, long seed, IReadOnlyList<int>? buffer = null)
        => GetItem(index, new Random(SampleSeeds.Derive(seed, epoch, index)), buffer);

    /// <summary>Item <paramref name="index"/> with every random draw taken from <paramref name="rng"/> (tools/fidelity
    /// replays another loader's draws through it).</summary>
    internal FormattedSample GetItem(int index, Random rng, IReadOnlyList<int>? buffer = null)
    {
        var clock = Clock;
        long start = clock is null ? 0 : LoaderClock.Now();
        using var s = LoadImageAndLabel(index);
        s.Buffer = buffer ?? [index];
        _transforms.Apply(s, rng);
        if (clock is null) return Format(s);
        start = clock.Add(LoaderStage.LoadAndAugment, start);
        var formatted = Format(s);
        clock.Add(LoaderStage.Collate, start);
        return formatted;
    }

    /// <summary>Ultralytics <c>Format</c>: HWC BGR → CHW RGB bytes, boxes → normalised xywh.</summary>
    private static FormattedSample Format(Sample s)
    {
        int h = s.Image.Rows, w = s.Image.Cols;
        var chw = ImageTensor.ToChwRgb(s.Image);
        var labels = new float[s.Boxes.Count * 5];
        for (int i = 0; i < s.Boxes.Count; i++)
        {
            var b = s.Boxes[i];
            labels[5 * i] = b.Class;
            labels[5 * i + 1] = (b.X1 + b.X2) / 2 / w;
            labels[5 * i + 2] = (b.Y1 + b.Y2) / 2 / h;
            labels[5 * i + 3] = b.W / w;
            labels[5 * i + 4] = b.H / h;
        }
        return new FormattedSample(chw, h, w, labels, new ImageInfo(s.Path, s.Original, s.Resized, s.RatioPad));
    }

    /// <summary>Ultralytics <c>set_rectangle</c>: sort by aspect ratio, one letterbox shape per batch.</summary>
    private List<(int H, int W)> SetRectangle()
    {
        int bs = Options.BatchSize, imgsz = Options.ImgSize, stride = Options.Stride;
        // Stable sort by h/w (numpy's quicksort tie order is unspecified; stable keeps path order).
        var sorted = _images.Select((im, i) => (im, i, ar: (double)im.Height / im.Width)).OrderBy(t => t.ar).ThenBy(t => t.i).ToList();
        _images.Clear();
        _images.AddRange(sorted.Select(t => t.im));
        int nb = (sorted.Count + bs - 1) / bs;
        var shapes = new List<(int H, int W)>(nb);
        for (int b = 0; b < nb; b++)
        {
            var ars = sorted.Skip(b * bs).Take(bs).Select(t => t.ar).ToList();
            double mini = ars.Min(), maxi = ars.Max();
            (double sh, double sw) = maxi < 1 ? (maxi, 1.0) : mini > 1 ? (1.0, 1 / mini) : (1.0, 1.0);
            shapes.Add(((int)Math.Ceiling(sh * imgsz / stride + Options.Pad) * stride, (int)Math.Ceiling(sw * imgsz / stride + Options.Pad) * stride));
        }
        return shapes;
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();
}
