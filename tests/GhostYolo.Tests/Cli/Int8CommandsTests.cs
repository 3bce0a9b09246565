using System.CommandLine;
using GhostYolo.Cli;
using GhostYolo.Cli.Commands;
using GhostYolo.Data;
using GhostYolo.Onnx;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Weights;

namespace GhostYolo.Tests.Cli;

/// <summary><c>--int8</c> / <c>--precision int8</c> through the commands.</summary>
public class Int8CommandsTests
{
    private static int Run(Command command, params string[] args) => CliRunner.Run(new RootCommand { command }, args);

    [Fact]
    public void Export_int8_calibrates_on_data_writes_a_runnable_file_and_reports_errors()
    {
        using var dir = new TempDir();
        var model = WeightFixtures.File("ul-v8-tiny.pt");
        Assert.Equal(2, Run(ExportCommand.Create(), "export", "--model", model, "--int8", "--format", "safetensors"));
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 12, Val = 2, ImgSize = 64, Classes = 3, Video = false, TrackFrames = 0 });
        var output = dir.File("m_int8.onnx");
        Assert.Equal(0, Run(ExportCommand.Create(), "export", "--model", model, "--int8", "--data", shapes.DataYaml, "--calib", "6", "--output", output, "--threads", "1"));
        using var file = new OnnxModelFile(output, 1);
        using var images = TorchSharp.torch.zeros([1, 3, 64, 64], TorchSharp.torch.ScalarType.Byte);
        using var y = file.Run(images);
        Assert.Equal(3 + 4, y.shape[1]);
        Assert.Equal(2, Run(ValCommand.Create(), "val", "--model", model, "--data", shapes.DataYaml, "--precision", "int8", "--runtime", "torch"));
    }

    [Fact]
    public void The_calibration_options_reach_the_export_and_bad_values_exit_two()
    {
        using var dir = new TempDir();
        var model = WeightFixtures.File("ul-v8-tiny.pt");
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 12, Val = 2, ImgSize = 64, Classes = 3, Video = false, TrackFrames = 0 });
        string[] common = ["export", "--model", model, "--int8", "--data", shapes.DataYaml, "--threads", "1"];
        var output = dir.File("m_int8.onnx");
        Assert.Equal(0, Run(ExportCommand.Create(), [.. common, "--calib", "6", "--calib-method", "percentile", "--max-float-convs", "0", "--recalibrate", "--output", output]));
        using (var file = new OnnxModelFile(output, 1))
        {
            using var images = TorchSharp.torch.zeros([1, 3, 64, 64], TorchSharp.torch.ScalarType.Byte);
            using var y = file.Run(images);
            Assert.Equal(3 + 4, y.shape[1]);
        }
        Assert.Equal(2, Run(ExportCommand.Create(), [.. common, "--calib", "6", "--calib-method", "entropy", "--output", dir.File("a.onnx")]));
        Assert.Equal(2, Run(ExportCommand.Create(), [.. common, "--calib", "6", "--max-float-convs", "-1", "--output", dir.File("b.onnx")]));
        Assert.Equal(2, Run(ExportCommand.Create(), [.. common, "--calib", "0", "--output", dir.File("c.onnx")]));
        Assert.False(File.Exists(dir.File("a.onnx")) || File.Exists(dir.File("b.onnx")) || File.Exists(dir.File("c.onnx")));
    }
}
