using GhostYolo.Weights;
using GhostYolo.Engine;
using GhostYolo.Nn;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn;

public class BatchNormTests
{
    [Fact]
    public void Factory_batch_norm_has_no_batch_counter_and_still_tracks_statistics()
    {
        using var bn = Activations.BatchNorm(4);
        Assert.Equal(["bias", "running_mean", "running_var", "weight"], bn.state_dict().Keys.Order().ToArray());
        bn.train();
        using var x = randn(8, 4, 3, 3) + 2;
        bn.call(x).Dispose();
        Assert.Equal(1e-3, bn.eps, 9);
        Assert.Equal(0.03 * 2, bn.running_mean!.mean().item<float>(), 1);   // one step of momentum 0.03 towards a mean of ~2
    }

    [Fact]
    public void Weights_written_with_batch_counters_still_load_strictly()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml", 1);
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        weights["model.0.bn.num_batches_tracked"] = tensor(12L);
        var report = Checkpoint.LoadInto(model, weights, strict: true);
        Assert.Empty(report.Unused);
        Assert.Equal(model.state_dict().Count, report.Transferred.Count);
    }
}
