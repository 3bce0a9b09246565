using GhostYolo.Data;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Cli;

/// <summary><c>ghostyolo benchmark --precision int8</c> as a user runs it: the forward table says how many convolutions run as
/// integer kernels and how many SiLUs as lookups, with ONNX Runtime blocking (default) or spinning (<c>GHOSTYOLO_ORT_SPIN=1</c>).</summary>
[Collection("training-timed")]
public class Int8BenchmarkCommandTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public async Task The_int8_row_runs_every_convolution_in_integers_and_every_silu_as_a_lookup(string? spin)
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 8, Val = 2, ImgSize = 64, Classes = 2, Video = false, TrackFrames = 0 });
        var stdout = await GhostYoloProcess.RunAsync(dir.Path, ["benchmark", "yolov8n.yaml", "--what", "forward", "--runtime", "onnx", "--precision", "int8",
            "--threads", "1", "--imgsz", "64", "--runs", "2", "--calib", "4", "--data", shapes.DataYaml, "--format", "csv"],
            spin is null ? null : new Dictionary<string, string> { ["GHOSTYOLO_ORT_SPIN"] = spin });
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int header = lines.IndexOf("model,gflops,threads,precision,runtime,median_ms,p10_ms,p90_ms,fps,convs_int/float,silu_lut");
        Assert.True(header >= 0, "no forward table in:\n" + stdout);
        var row = lines[header + 1].Split(',');
        Assert.Equal(["YOLOv8n", "1", "int8", "onnx"], [row[0], row[2], row[3], row[4]]);
        var convs = row[9].Split('/').Select(int.Parse).ToArray();
        Assert.True(convs[0] > 60 && convs[1] == 0, $"convolutions integer/float: {row[9]}");
        // YOLOv8n has a SiLU after every convolution outside the head's last layers: each one a lookup.
        Assert.True(int.Parse(row[10]) > 50, $"SiLU lookups: {row[10]}");
    }
}
