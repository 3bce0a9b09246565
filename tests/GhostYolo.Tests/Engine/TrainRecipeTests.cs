using GhostYolo.Engine;
using GhostYolo.Nn;

namespace GhostYolo.Tests.Engine;

public class TrainRecipeTests
{
    [Fact]
    public void Yolov5RecipeResolvesToHypScratchLowAndTrainPy()
    {
        var o = TrainRecipe.Resolve(new TrainOptions { Recipe = "yolov5" }, anchorBased: true);
        Assert.Equal("SGD", o.Optimizer);
        Assert.Equal(0.05, o.Box);
        Assert.Equal(0.6, o.Iou);
        Assert.Equal(0, o.CloseMosaic);
        Assert.Equal((0.01, 0.01, 0.937, 0.0005, 3.0, 0.8, 0.1), (o.Lr0, o.Lrf, o.Momentum, o.WeightDecay, o.WarmupEpochs, o.WarmupMomentum, o.WarmupBiasLr));
        Assert.Equal((1.0, 0.5, 4.0), (o.Obj, o.Cls, o.AnchorT));
    }

    [Fact]
    public void UltralyticsRecipeKeepsTodaysDefaultsAndUserValuesWin()
    {
        var v8 = TrainRecipe.Resolve(new TrainOptions(), anchorBased: false);
        Assert.Equal(("auto", 7.5, 0.7, 10), (v8.Optimizer, v8.Box!.Value, v8.Iou!.Value, v8.CloseMosaic!.Value));
        var v5Head = TrainRecipe.Resolve(new TrainOptions(), anchorBased: true);
        Assert.Equal(0.05, v5Head.Box);
        var given = TrainRecipe.Resolve(new TrainOptions { Recipe = "yolov5", Box = 0.1, Iou = 0.5, CloseMosaic = 2, Optimizer = "AdamW" }, true);
        Assert.Equal(("AdamW", 0.1, 0.5, 2), (given.Optimizer, given.Box!.Value, given.Iou!.Value, given.CloseMosaic!.Value));
        var e = Assert.Throws<ArgumentException>(() => TrainRecipe.Resolve(new TrainOptions { Recipe = "yolov9" }, true));
        Assert.Contains("ultralytics, yolov5", e.Message);
    }

    [Fact]
    public void Yolov5SchedulerLagsOneEpochAndWarmupHasNoOffSwitch()
    {
        Assert.Equal([0, 0, 1, 2], Enumerable.Range(0, 4).Select(e => TrainRecipe.ScheduleEpoch(RecipeKind.Yolov5, e)));
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(e => TrainRecipe.ScheduleEpoch(RecipeKind.Ultralytics, e)));
        Assert.Equal(150, TrainRecipe.WarmupIterations(RecipeKind.Yolov5, 3.0, 50));
        Assert.Equal(100, TrainRecipe.WarmupIterations(RecipeKind.Yolov5, 0.0, 50));
        Assert.Equal(-1, TrainRecipe.WarmupIterations(RecipeKind.Ultralytics, 0.0, 50));
    }

    /// <summary>box=, obj=, cls=, anchor_t= and label_smoothing= reach the v5 loss, scaled as train.py: 3/nl, nc/80, (imgsz/640)².</summary>
    [Fact]
    public void GainsReachTheV5Loss()
    {
        using var model = new ModelBuilder().Build("yolov5n.yaml", 4);
        var o = TrainRecipe.Resolve(new TrainOptions { Recipe = "yolov5", Box = 0.1, Obj = 2.0, Cls = 1.0, AnchorT = 3.0 }, true);
        using var loss = new LossFunction(model, o, 320);
        Assert.Contains("box=0.1 obj=0.5 cls=0.05 anchor_t=3", loss.Gains);
        using var defaults = new LossFunction(model, TrainRecipe.Resolve(new TrainOptions { Recipe = "yolov5" }, true), 320);
        Assert.Contains("box=0.05 obj=0.25 cls=0.025 anchor_t=4", defaults.Gains);
    }
}
