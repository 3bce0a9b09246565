using System.CommandLine;
using GhostYolo.Cli;
using GhostYolo.Cli.Commands;
using GhostYolo.Data;
using GhostYolo.Onnx;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Weights;

namespace GhostYolo.Tests.Cli;

/// <summary>The options the weights work added, through the commands themselves.</summary>
public class WeightsCommandsTests
{
    private static int Run(Command command, params string[] args) => CliRunner.Run(new RootCommand { command }, args);

    [Fact]
    public void Export_onnx_with_dynamic_batch_and_export_errors_exit_two()
    {
        using var dir = new TempDir();
        var output = dir.File("m.onnx");
        Assert.Equal(0, Run(ExportCommand.Create(), "export", "--model", WeightFixtures.File("ul-v8-tiny.pt"), "--format", "onnx", "--dynamic", "--output", output));
        using (var file = new OnnxModelFile(output, 1))
        {
            Assert.Null(file.FixedBatch);
            Assert.Equal((64, 64), file.FixedSize);
        }
        var half = dir.File("h.safetensors");
        Assert.Equal(0, Run(ExportCommand.Create(), "export", "--model", WeightFixtures.File("ul-v8-tiny.pt"), "--format", "safetensors", "--half", "--output", half));
        Assert.Equal(TorchSharp.torch.ScalarType.Float16, GhostYolo.Weights.SafetensorsFile.Read(half)["model.0.conv.weight"].dtype);
        Assert.Equal(2, Run(ExportCommand.Create(), "export", "--model", WeightFixtures.File("ul-v8-tiny.pt"), "--opset", "12", "--output", dir.File("x.onnx")));
        Assert.Equal(2, Run(ExportCommand.Create(), "export", "--model", WeightFixtures.File("ul-v8-tiny.pt"), "--format", "tflite"));
        Assert.Equal(2, Run(ExportCommand.Create(), "export", "--model", WeightFixtures.File("ul-v8-tiny.pt"), "--imgsz", "70", "--output", dir.File("y.onnx")));
    }

    [Fact]
    public void Val_and_detect_take_a_yaml_with_weights_and_the_dataset_names_and_val_runs_square()
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 0, Val = 4, ImgSize = 64, Classes = 3, Video = false, TrackFrames = 0 });
        string yaml = WeightFixtures.File("tiny-v8.yaml"), weights = WeightFixtures.File("ul-v8-tiny.safetensors");
        Assert.Equal(0, Run(ValCommand.Create(), "val", "--model", yaml, "--weights", weights, "--data", shapes.DataYaml, "--imgsz", "64",
            "--rect", "false", "--save-json", "--project", dir.File("runs"), "--name", "v"));
        Assert.True(File.Exists(dir.File("runs/v/predictions.json")));
        Assert.Equal(0, Run(DetectCommand.Create(), "detect", "--model", yaml, "--weights", weights, "--data", shapes.DataYaml,
            "--source", Path.Combine(dir.Path, "shapes", "images", "val"), "--imgsz", "64", "--project", dir.File("runs"), "--name", "d"));
        Assert.Equal(4, Directory.GetFiles(dir.File("runs/d")).Length);
        // The weights must fit the YAML: a 3-class file into an 80-class yolov8n is one line and exit 2.
        Assert.Equal(2, Run(ValCommand.Create(), "val", "--model", "yolov8n.yaml", "--weights", weights, "--data", shapes.DataYaml, "--imgsz", "64",
            "--project", dir.File("runs")));
    }

    [Fact]
    public void Benchmark_load_times_a_checkpoint()
        => Assert.Equal(0, Run(BenchmarkCommand.Create(), "benchmark", WeightFixtures.File("v5-tiny.pt"), "--what", "load", "--format", "csv"));
}
