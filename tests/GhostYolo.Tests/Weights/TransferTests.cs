using GhostYolo.Engine;
using GhostYolo.Tests.Data;
using GhostYolo.Weights;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Weights;

/// <summary><c>train --weights</c> from another tool's checkpoint: what transfers, counted as ultralytics counts it.</summary>
public class TransferTests
{
    [Fact]
    public void Coco_yolov8n_weights_into_a_3_class_yolov8n_transfer_319_of_355_items_as_ultralytics_reports()
    {
        using var dir = new TempDir();
        // An 80-class yolov8n state dict as PyTorch keeps it (with BatchNorm counters), like the stock yolov8n.pt's model.
        var coco = Exporter.Run(new ExportOptions { Model = "yolov8n.yaml", Format = ExportFormat.Torch, Output = dir.File("coco.pt") }).Path;
        using var model = new GhostYolo.Nn.ModelBuilder().Build("yolov8n.yaml", 3);
        var weights = WeightsFile.ReadWeights(coco);
        var report = Checkpoint.LoadInto(model, weights, strict: false);
        // ultralytics 8.2: "Transferred 319/355 items from pretrained weights" for yolov8n.pt into a 3-class yolov8n.
        Assert.Equal(319, report.UltralyticsTransferred);
        Assert.Equal(355, report.UltralyticsTotal);
        // Only the class branch changes: its last conv (nc outputs) and its two Convs (c3 = max(64, min(nc, 100)) channels).
        Assert.All(report.Skipped, s => Assert.StartsWith("model.22.cv3.", s.Name));
    }

    [Fact]
    public void An_ultralytics_checkpoint_transfers_everything_into_the_same_yaml()
    {
        using var model = new GhostYolo.Nn.ModelBuilder().Build(WeightFixtures.File("tiny-v8.yaml"), 3);
        var weights = WeightsFile.ReadWeights(WeightFixtures.File("ul-v8-tiny.pt"));
        var report = Checkpoint.LoadInto(model, weights, strict: false);
        Assert.Empty(report.Skipped);
        Assert.Equal(report.UltralyticsTotal, report.UltralyticsTransferred);
    }
}
