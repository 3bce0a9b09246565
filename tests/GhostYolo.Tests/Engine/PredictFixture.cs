using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;
using TorchSharp;

namespace GhostYolo.Tests.Engine;

/// <summary>
/// A few generated shape images (128 px long side) and a 12-frame 128×96 video at 10 fps, plus a random-weight
/// yolov8n (4 classes) predictor at imgsz 160, shared by the predict tests.
/// </summary>
public sealed class PredictFixture : IDisposable
{
    public const int VideoFrames = 12, VideoFps = 10, ImageCount = 5;

    public TempDir Dir { get; } = new();
    public ShapesResult Shapes { get; }
    public string Video => Shapes.VideoPath!;
    public string ImagesDir { get; }
    public LoadedModel Model { get; }

    public PredictFixture()
    {
        Shapes = ShapesDataset.Generate(new ShapesOptions
        {
            OutDir = Dir.File("shapes"), Train = 0, Val = ImageCount, ImgSize = 128, Seed = 5,
            VideoFrames = VideoFrames, VideoFps = VideoFps, MaxShapes = 3,
        });
        ImagesDir = Path.Combine(Dir.Path, "shapes", "images", "val");
        Model = ModelLoader.Load("yolov8n.yaml", torch.CPU, Shapes.Names.Count, Shapes.Names);
    }

    /// <summary>A predictor over the shared model (fused on first use; fusing again is a no-op).</summary>
    public Predictor Predictor(PredictOptions? options = null) => new(Model, options ?? new PredictOptions { Imgsz = 160 });

    public void Dispose()
    {
        Model.Model.Dispose();
        Dir.Dispose();
    }
}
