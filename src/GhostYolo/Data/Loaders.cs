using GhostYolo.Data.Transforms;
using Microsoft.Extensions.Logging;

namespace GhostYolo.Data;

/// <summary>
/// One-call construction of the training and validation loaders from a dataset YAML (ultralytics
/// <c>build_yolo_dataset</c> + <c>build_dataloader</c>). The returned loader owns its dataset; dispose it.
/// </summary>
internal static class Loaders
{
    /// <summary>Training loader: scan (cached), augmented imgsz squares, shuffled per epoch from (seed, epoch).</summary>
    public static Loader Train(DatasetDefinition data, int imgsz = 640, int batchSize = 16, AugmentOptions? augment = null,
        int workers = 2, long seed = 0, bool singleClass = false, ILogger? logger = null, CancellationToken ct = default, double fraction = 1.0)
    {
        var index = LabelIndex.Scan(data, "train", logger, ct);
        if (index.Images.Count == 0) throw new DatasetException($"{data.YamlPath}: no usable training images ({index.Summary("train")})");
        var ds = new YoloDataset(index, data.Names, new DatasetOptions
        {
            ImgSize = imgsz, Augment = true, BatchSize = batchSize, Augmentation = augment ?? new(), SingleClass = singleClass, Fraction = fraction,
        });
        return new Loader(ds, new LoaderOptions { BatchSize = batchSize, Workers = workers, Seed = seed, Shuffle = true }, logger) { OwnsDataset = true };
    }

    /// <summary>Validation loader: rectangular batches sorted by aspect ratio, letterbox only (scaleup off), no shuffle.</summary>
    public static Loader Val(DatasetDefinition data, string split = "val", int imgsz = 640, int batchSize = 32, int workers = 2,
        int stride = 32, bool singleClass = false, ILogger? logger = null, CancellationToken ct = default, bool rect = true)
    {
        var index = LabelIndex.Scan(data, split, logger, ct);
        if (index.Images.Count == 0) throw new DatasetException($"{data.YamlPath}: no usable '{split}' images ({index.Summary(split)})");
        var ds = new YoloDataset(index, data.Names, new DatasetOptions
        {
            ImgSize = imgsz, Augment = false, Rect = rect, Pad = 0.5, BatchSize = batchSize, Stride = Math.Max(stride, 32), SingleClass = singleClass,
        });
        return new Loader(ds, new LoaderOptions { BatchSize = batchSize, Workers = workers, Shuffle = false }, logger) { OwnsDataset = true };
    }
}
