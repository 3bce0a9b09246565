using GhostYolo.Engine;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Engine;

/// <summary>Who frees a network's native memory: the predictor for the model <see cref="Predictor.Load"/> made, the
/// caller for a <see cref="LoadedModel"/> it passed in (several predictors may share one).</summary>
public class PredictorDisposalTests
{
    private static readonly PredictOptions Options = new() { Imgsz = 64, Runtime = InferenceRuntime.Torch };

    [Fact]
    public void A_predictor_made_by_Load_frees_the_model_it_made()
    {
        var predictor = Predictor.Load("yolov8n.yaml", Options, nc: 2);
        var model = predictor.OwnedModel;
        Assert.NotNull(model);
        var weight = model.parameters().First();
        Assert.True(weight.numel() > 0);
        predictor.Dispose();
        Assert.ThrowsAny<InvalidOperationException>(() => weight.numel());
    }

    [Fact]
    public void A_predictor_built_from_a_loaded_model_leaves_the_model_to_the_caller()
    {
        var loaded = ModelLoader.Load("yolov8n.yaml", CPU, 2);
        using var model = loaded.Model;
        using (var predictor = new Predictor(loaded, Options)) Assert.Null(predictor.OwnedModel);
        using (var again = new Predictor(loaded, Options)) Assert.Null(again.OwnedModel);
        Assert.True(model.parameters().First().numel() > 0);
    }
}
