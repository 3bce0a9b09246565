using GhostYolo.Data;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Tasks;

/// <summary>
/// The trained sample model (Fixtures/Samples/shapes96.gyt: 3 classes at 96 px, so it really finds shapes) and a small
/// generated 3-class shapes set for it: 12 validation images, a 16-frame video and a 40-frame tracking sequence with ground truth.
/// </summary>
public sealed class TaskFixture : IDisposable
{
    public const int ValImages = 12, VideoFrames = 16, TrackFrames = 40;

    public static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Samples", "shapes96.gyt");

    public TempDir Dir { get; } = new();
    public ShapesResult Shapes { get; }
    public string Video => Shapes.VideoPath!;
    public string ValDir => Path.Combine(Dir.Path, "shapes", "images", "val");

    public TaskFixture()
    {
        Shapes = ShapesDataset.Generate(new ShapesOptions
        {
            OutDir = Dir.File("shapes"), Train = 0, Val = ValImages, ImgSize = 96, Classes = 3, MinSize = 20, MaxShapes = 3, Seed = 11,
            VideoFrames = VideoFrames, VideoFps = 10, TrackFrames = TrackFrames,
        });
    }

    public void Dispose() => Dir.Dispose();
}
