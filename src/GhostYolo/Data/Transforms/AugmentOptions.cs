namespace GhostYolo.Data.Transforms;

/// <summary>Augmentation hyper-parameters; defaults equal ultralytics <c>cfg/default.yaml</c>.</summary>
internal sealed record AugmentOptions
{
    public double HsvH { get; init; } = 0.015;
    public double HsvS { get; init; } = 0.7;
    public double HsvV { get; init; } = 0.4;
    public double Degrees { get; init; } = 0.0;
    public double Translate { get; init; } = 0.1;
    public double Scale { get; init; } = 0.5;
    public double Shear { get; init; } = 0.0;
    public double Perspective { get; init; } = 0.0;
    public double FlipUd { get; init; } = 0.0;
    public double FlipLr { get; init; } = 0.5;
    public double Mosaic { get; init; } = 1.0;
    public double Mixup { get; init; } = 0.0;
    /// <summary>yolov5's mosaic: partners from the whole dataset, the four tiles in random order (see <see cref="Transforms.Mosaic"/>).</summary>
    public bool Yolov5Mosaic { get; init; }

    /// <summary>The options used for the last <c>close_mosaic</c> epochs (training.md §2.10): mosaic and mixup off.</summary>
    public AugmentOptions WithoutMosaic() => this with { Mosaic = 0, Mixup = 0 };
}

/// <summary>Builds the ultralytics v8 training pipeline (<c>v8_transforms</c>, training.md §2).</summary>
internal static class TrainTransforms
{
    /// <summary>
    /// Mosaic → RandomPerspective(pre = LetterBox(imgsz)) → MixUp → RandomHSV → flip up-down → flip left-right.
    /// With <see cref="AugmentOptions.Mosaic"/> = 0 (close_mosaic) Mosaic is left out and every image is letterboxed first.
    /// </summary>
    public static TransformPipeline Build(AugmentOptions o, int imgsz, ISampleSource source)
    {
        var perspective = new RandomPerspective(o.Degrees, o.Translate, o.Scale, o.Shear, o.Perspective, new LetterBox(imgsz, imgsz));
        var pre = new List<ITransform>();
        if (o.Mosaic > 0) pre.Add(new Mosaic(source, imgsz, o.Mosaic, o.Yolov5Mosaic));
        pre.Add(perspective);
        var prePipeline = new TransformPipeline([.. pre]);
        var steps = new List<ITransform>(pre);
        if (o.Mixup > 0) steps.Add(new MixUp(source, prePipeline, o.Mixup));
        steps.Add(new RandomHsv(o.HsvH, o.HsvS, o.HsvV));
        steps.Add(new RandomFlip(o.FlipUd, FlipDirection.Vertical));
        steps.Add(new RandomFlip(o.FlipLr, FlipDirection.Horizontal));
        return new TransformPipeline(steps);
    }
}

/// <summary>Builds the validation pipeline (training.md §2.11): LetterBox(imgsz, scaleup False) with the per-batch rect shape.</summary>
internal static class ValTransforms
{
    /// <summary>LetterBox only.</summary>
    public static TransformPipeline Build(int imgsz) => new([new LetterBox(imgsz, imgsz, scaleUp: false)]);
}
