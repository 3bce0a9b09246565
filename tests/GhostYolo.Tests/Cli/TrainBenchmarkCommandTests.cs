using System.Globalization;
using GhostYolo.Data;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Cli;

/// <summary><c>benchmark --what train</c> times a real training epoch on a dataset and prints where its time goes.</summary>
[Collection("training-timed")]
public class TrainBenchmarkCommandTests
{
    private static readonly string[] Stages =
    [
        "decode (imread + resize)", "augment (mosaic/affine/hsv/flip)", "collate (to CHW + stack)", "loader wait", "forward", "loss",
        "backward", "optimizer step", "ema", "validation", "save (checkpoint + csv)", "other", "epoch",
    ];

    [Fact]
    public async Task The_train_breakdown_lists_every_stage_in_ms_per_batch_and_percent_of_the_epoch()
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 16, Val = 4, ImgSize = 64, Classes = 2, MaxShapes = 2, Video = false, TrackFrames = 0 });
        var stdout = await GhostYoloProcess.RunAsync(dir.Path, ["benchmark", "yolov8n.yaml", "--what", "train", "--threads", "1", "--workers", "1", "--precision", "fp32",
            "--train-imgsz", "64", "--train-batch", "8", "--data", shapes.DataYaml, "--format", "csv"]);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        int title = lines.FindIndex(l => l.StartsWith("Where a training epoch's time goes: YOLOv8n", StringComparison.Ordinal));
        Assert.True(title >= 0, "no breakdown table in:\n" + string.Join("\n", lines));
        Assert.Contains("1 epoch(s) of 2 batches, batch 8, imgsz 64, threads 1, workers 1", lines[title]);
        Assert.Equal("stage,thread,ms_per_batch,percent_of_epoch", lines[title + 1]);
        var rows = lines.Skip(title + 2).Take(Stages.Length).Select(l => l.Split(',')).ToList();
        Assert.Equal(Stages, rows.Select(r => r[0]));
        Assert.Equal(["workers", "workers", "workers"], rows.Take(3).Select(r => r[1]));
        Assert.All(rows.Skip(3), r => Assert.Equal("training", r[1]));
        var ms = rows.Select(r => double.Parse(r[2], CultureInfo.InvariantCulture)).ToList();
        var percent = rows.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToList();
        Assert.All(ms, v => Assert.True(v >= 0));
        Assert.True(ms[Stages.ToList().IndexOf("forward")] > 0 && ms[Stages.ToList().IndexOf("backward")] > 0);
        Assert.Equal(100.0, percent[^1]);
        // The training thread's rows (loader wait … other) make up the epoch, up to the one-decimal rounding of each.
        Assert.InRange(percent.Skip(3).Take(Stages.Length - 4).Sum(), 99.4, 100.6);
        // The throughput line in the title: img/s of whole epochs and of the training batches.
        Assert.Matches(@"[\d.]+ img/s per epoch, [\d.]+ img/s in training batches", lines[title]);
    }
}
