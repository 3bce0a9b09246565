using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Engine;

/// <summary>
/// One short training run shared by the engine tests: a tiny generated shapes dataset, yolov8n at 96 px, 3 epochs with a
/// recipe tuned to learn fast (SGD, no warm-up, nominal batch = batch so every batch steps, no mosaic).
/// </summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture()
    {
        Shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = Dir.File("shapes"), Train = 48, Val = 16, ImgSize = 96, Classes = 2, MaxShapes = 3, VideoFrames = 12 });
        Options = new TrainOptions
        {
            Model = "yolov8n.yaml", Data = Shapes.DataYaml, Epochs = 3, Imgsz = 96, Batch = 8, Nbs = 8, Workers = 2,
            Optimizer = "SGD", Lr0 = 0.01, WarmupEpochs = 0, Mosaic = 0, CloseMosaic = 0, Project = Dir.File("runs"), Name = "train",
        };
        Result = new Trainer().Train(Options, new SyncProgressRecorder<TrainEvent>(Events));
    }

    public TempDir Dir { get; } = new();
    public ShapesResult Shapes { get; }
    public TrainOptions Options { get; }
    public TrainFinished Result { get; }
    public List<TrainEvent> Events { get; } = [];

    public void Dispose() => Dir.Dispose();
}

/// <summary>Alone: the fixture seeds libtorch's global generator and builds the model from it, so a test drawing from the
/// generator beside it changed its initial weights (once the 3-epoch loss then rose, 12.28 → 12.54, failing LossFallsOverEpochs).</summary>
[CollectionDefinition("trained", DisableParallelization = true)]
public sealed class TrainedCollection : ICollectionFixture<TrainedModelFixture>;
