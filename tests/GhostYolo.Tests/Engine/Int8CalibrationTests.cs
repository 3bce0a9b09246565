using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Onnx.Quantization;
using GhostYolo.Tests.Data;
using GhostYolo.Weights;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Engine;

public class Int8CalibrationTests
{
    private static LoadedModel Checkpointed(string source, string? data)
    {
        var model = new ModelBuilder().Build("yolov8n.yaml", 2);
        var info = new CheckpointInfo
        {
            ModelYaml = "", ModelName = "yolov8n", Nc = 2, Names = ["a", "b"], ImgSz = 64,
            TrainArgs = data is null ? [] : new() { ["data"] = data },
        };
        return new LoadedModel(model, info.Names, 64, source, info);
    }

    [Fact]
    public void A_checkpoint_whose_dataset_is_gone_asks_for_data()
    {
        var loaded = Checkpointed("missing.gyt", "/nowhere/shapes/data.yaml");
        using var _ = loaded.Model;
        var e = Assert.Throws<ArgumentException>(() => Int8Calibration.Prepare(loaded, new Int8Options()));
        Assert.Contains("--data", e.Message);
        Assert.Contains("/nowhere/shapes/data.yaml", e.Message);
    }

    [Fact]
    public void A_checkpoint_without_a_dataset_asks_for_data()
    {
        var loaded = Checkpointed("missing.gyt", null);
        using var _ = loaded.Model;
        Assert.Contains("--data", Assert.Throws<ArgumentException>(() => Int8Calibration.Prepare(loaded, new Int8Options())).Message);
    }

    [Fact]
    public void Int8_on_libtorch_is_a_clear_error()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml", 2);
        var e = Assert.Throws<ArgumentException>(() => InferenceRunner.Create(model, Precision.Int8, InferenceRuntime.Torch));
        Assert.Contains("ONNX Runtime", e.Message);
    }

    [Fact]
    public void Calibration_is_cached_and_reused()
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 12, Val = 2, ImgSize = 64, Classes = 2, MaxShapes = 2, VideoFrames = 0 });
        var loaded = ModelLoader.Load("yolov8n.yaml", CPU, 2);
        using var _ = loaded.Model;
        var o = new Int8Options { Data = shapes.DataYaml, Calib = 3, ImgSz = 64, CachePath = dir.File("model.int8.json") };
        var first = Int8Calibration.Prepare(loaded, o);
        Assert.False(first.FromCache);
        Assert.Equal(CalibrationMethod.MinMax, first.Plan.Method);
        Assert.True(File.Exists(o.CachePath));
        var second = Int8Calibration.Prepare(loaded, o);
        Assert.True(second.FromCache);
        Assert.Equal(first.Plan.Ranges.OrderBy(kv => kv.Key), second.Plan.Ranges.OrderBy(kv => kv.Key));
        // Other settings are another calibration.
        Assert.False(Int8Calibration.Prepare(loaded, o with { Calib = 2 }).FromCache);
    }
}
