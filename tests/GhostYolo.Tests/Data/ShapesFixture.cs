using GhostYolo.Data;

namespace GhostYolo.Tests.Data;

/// <summary>A small generated shapes dataset shared by the transform and loader tests.</summary>
public sealed class ShapesFixture : IDisposable
{
    public TempDir Dir { get; } = new();
    public ShapesResult Result { get; }
    public DatasetDefinition Definition { get; }
    internal LabelIndex Train { get; }
    internal LabelIndex Val { get; }

    public ShapesFixture()
    {
        Result = ShapesDataset.Generate(new ShapesOptions { OutDir = Dir.File("shapes"), Train = 16, Val = 8, ImgSize = 96, Video = false, Seed = 3 });
        Definition = DatasetDefinition.Load(Result.DataYaml);
        Train = LabelIndex.Scan(Definition, "train");
        Val = LabelIndex.Scan(Definition, "val");
    }

    public void Dispose() => Dir.Dispose();
}
