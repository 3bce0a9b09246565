using System.CommandLine;
using GhostYolo.Cli;
using GhostYolo.Cli.Commands;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;
using GhostYolo.Weights;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Weights;

/// <summary><c>--model YAML --weights state_dict.pt</c> on the commands, as the README shows it.</summary>
public class WeightsOptionTests
{
    [Fact]
    public void Export_of_a_yaml_with_weights_writes_those_weights()
    {
        using var dir = new TempDir();
        var output = dir.File("w.safetensors");
        Assert.Equal(0, CliRunner.Run(new RootCommand { ExportCommand.Create() },
            ["export", "--model", WeightFixtures.File("tiny-v8.yaml"), "--weights", WeightFixtures.File("ul-v8-tiny.state_dict.pt"), "--format", "safetensors", "--output", output]));
        var exported = SafetensorsFile.Read(output);
        var original = TorchCheckpoint.ReadWeights(WeightFixtures.File("ul-v8-tiny.state_dict.pt"));
        // GhostYolo's BatchNorms keep no batch counter: the export writes 0 there, every other tensor is the file's own.
        foreach (var (name, t) in original.Where(kv => !kv.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)))
            Assert.True(exported[name].to(ScalarType.Float32).allclose(t.to(ScalarType.Float32), 0, 0), name);
    }

    [Fact]
    public void Detect_with_a_yaml_and_weights_runs_and_a_misfit_is_a_one_line_error()
    {
        using var dir = new TempDir();
        var image = dir.Image("img/a.jpg", 64, 64);
        Assert.Equal(0, CliRunner.Run(new RootCommand { DetectCommand.Create() },
            ["detect", "--model", WeightFixtures.File("tiny-v8.yaml"), "--weights", WeightFixtures.File("ul-v8-tiny.safetensors"), "--nc", "3",
             "--source", image, "--imgsz", "64", "--project", dir.File("runs")]));
        Assert.Equal(2, CliRunner.Run(new RootCommand { DetectCommand.Create() },
            ["detect", "--model", "yolov8n.yaml", "--weights", WeightFixtures.File("ul-v8-tiny.safetensors"), "--nc", "3",
             "--source", image, "--imgsz", "64", "--project", dir.File("runs")]));
    }
}
