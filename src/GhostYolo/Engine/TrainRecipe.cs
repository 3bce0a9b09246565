namespace GhostYolo.Engine;

/// <summary>Which reference trainer a run follows.</summary>
internal enum RecipeKind
{
    /// <summary>ultralytics 8.2.103 <c>BaseTrainer</c> with <c>default.yaml</c> (GhostYolo's default).</summary>
    Ultralytics,
    /// <summary>yolov5 v7.0 <c>train.py</c> with <c>data/hyps/hyp.scratch-low.yaml</c>.</summary>
    Yolov5,
}

/// <summary>
/// The two training recipes. Most of yolov5 v7.0's hyp.scratch-low equals ultralytics' default.yaml (lr0, lrf, momentum,
/// weight decay, warm-up, augmentation); what differs is resolved here from the options' null ("the recipe's") values and
/// read by the trainer: the optimizer (yolov5 has no "auto": SGD with Nesterov), the box gain (0.05 for the anchor-based loss),
/// no close-mosaic, validation NMS IoU 0.6, the LR scheduler stepping at the end of each epoch (epoch e runs at lf(e − 1)
/// after warm-up), the warm-up that never drops below 100 iterations, gradients zeroed at the start of every epoch, yolov5's
/// mosaic (partners from the whole dataset, tiles shuffled) and the initial weights rounded to fp16 precision once.
/// </summary>
internal static class TrainRecipe
{
    /// <summary>Recipe names accepted by <c>recipe=</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["ultralytics", "yolov5"];

    /// <summary>Box gain of anchor-free heads (ultralytics default.yaml) and of anchor-based heads (yolov5 hyp.scratch-low).</summary>
    public const double BoxAnchorFree = 7.5, BoxAnchorBased = 0.05;

    /// <summary>Parses a recipe name (case-insensitive).</summary>
    public static RecipeKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ultralytics" or "ultralytics8" or "v8" => RecipeKind.Ultralytics,
        "yolov5" or "v5" => RecipeKind.Yolov5,
        _ => throw new ArgumentException($"recipe '{name}' is not known; use one of: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// Fills the settings left to the recipe (null <see cref="TrainOptions.Box"/>, <see cref="TrainOptions.Iou"/>,
    /// <see cref="TrainOptions.CloseMosaic"/>) and turns <c>optimizer=auto</c> into SGD under yolov5, which has no auto rule.
    /// Values the user set stay as they are.
    /// </summary>
    /// <param name="o">The options as given.</param>
    /// <param name="anchorBased">True for anchor-based (yolov5 Detect) heads: the box gain defaults to yolov5's 0.05.</param>
    public static TrainOptions Resolve(TrainOptions o, bool anchorBased)
    {
        var kind = Parse(o.Recipe);
        bool v5 = kind == RecipeKind.Yolov5;
        return o with
        {
            Recipe = Names[(int)kind],
            Box = o.Box ?? (anchorBased ? BoxAnchorBased : BoxAnchorFree),
            Iou = o.Iou ?? (v5 ? 0.6 : 0.7),
            CloseMosaic = o.CloseMosaic ?? (v5 ? 0 : 10),
            Optimizer = v5 && string.Equals(o.Optimizer, "auto", StringComparison.OrdinalIgnoreCase) ? "SGD" : o.Optimizer,
        };
    }

    /// <summary>
    /// The epoch whose LR lambda applies outside warm-up: ultralytics steps its LambdaLR at the start of each epoch (epoch e at
    /// lf(e)); yolov5 steps it at the end (epoch e at lf(e − 1), epoch 0 at lf(0)).
    /// </summary>
    public static int ScheduleEpoch(RecipeKind kind, int epoch) => kind == RecipeKind.Yolov5 ? Math.Max(epoch - 1, 0) : epoch;

    /// <summary>Warm-up iterations: max(round(warmup_epochs · nb), 100); ultralytics turns warm-up off for warmup_epochs ≤ 0, yolov5 does not.</summary>
    public static int WarmupIterations(RecipeKind kind, double warmupEpochs, int batchesPerEpoch)
        => Warmup.Iterations(warmupEpochs, batchesPerEpoch, yolov5: kind == RecipeKind.Yolov5);

    /// <summary>One line naming the recipe and the values that make it, for the start of a run.</summary>
    public static string Describe(TrainOptions resolved, string gains)
    {
        var kind = Parse(resolved.Recipe);
        string what = kind == RecipeKind.Yolov5
            ? "yolov5 v7.0 train.py, hyp.scratch-low defaults"
            : "ultralytics 8.2 BaseTrainer, default.yaml defaults";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"recipe: {Names[(int)kind]} ({what}): optimizer={resolved.Optimizer} lr0={resolved.Lr0} lrf={resolved.Lrf} momentum={resolved.Momentum} weight_decay={resolved.WeightDecay} warmup_epochs={resolved.WarmupEpochs} warmup_bias_lr={resolved.WarmupBiasLr} close_mosaic={resolved.CloseMosaic} val_iou={resolved.Iou}; loss gains {gains}");
    }
}
