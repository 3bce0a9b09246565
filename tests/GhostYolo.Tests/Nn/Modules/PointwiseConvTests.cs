using GhostYolo.Platform;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

/// <summary>
/// 1×1 convs on channels-last tensors (the layout of training and libtorch inference). Where the CPU hides its cache sizes,
/// as on this project's CI VMs, they run as GEMMs because oneDNN's 1×1 convolution dies there with SIGFPE. (A 1×1
/// weight is channels-last and contiguous at once, so only the input needs laying out.)
/// </summary>
[Collection("trained-detection")]   // sets the process-wide thread count
public class PointwiseConvTests
{
    [Fact]
    public void MatchesTheConvolutionForwardAndBackward()
    {
        manual_seed(0);
        using var block = new Conv(64, 32, 1, 1, Activations.Identity());
        block.train();
        using var x = MemoryFormat.ChannelsLast(randn(4, 64, 10, 10));
        using var g = randn(4, 32, 10, 10);
        using var y = block.call(x);
        Assert.True(MemoryFormat.IsChannelsLast(y));
        (y * g).sum().backward();

        // Reference: the plain convolution on NCHW copies, then a BatchNorm in the same (fresh, training) state.
        using var w = block.Conv2d.weight!.detach().contiguous().clone().requires_grad_(true);
        using var bn = nn.BatchNorm2d(32, eps: 0.001, momentum: 0.03);
        using var yRef = bn.call(nn.functional.conv2d(x.contiguous(), w));
        (yRef * g).sum().backward();
        Assert.True((y - yRef).abs().max().item<float>() < 1e-4f);
        Assert.True((block.Conv2d.weight!.grad! - w.grad!).abs().max().item<float>() < 1e-3f * w.grad!.abs().max().item<float>());
    }

    [Fact]
    public void TheShapeThatKilledTheProcessRunsOnTwoThreads()
    {
        // yolov8s SPPF cv2 at 640: 1024 → 512 channels at 20×20. Through oneDNN on a cache-hidden VM: SIGFPE, test run aborted.
        using var threads = GhostYoloRuntime.UseThreads(2);
        using var block = new Conv(1024, 512, 1, 1, Activations.Identity());
        block.Fuse();
        block.eval();
        using var _ = inference_mode();
        using var y = block.call(MemoryFormat.ChannelsLast(randn(1, 1024, 20, 20)));
        Assert.Equal([1L, 512, 20, 20], y.shape);
    }

    /// <summary>
    /// Plain 1×1 Conv2d outside Conv blocks (FasterNet's MLP: 40 → 80 → 40 at 40×40) give their float64 result through
    /// <see cref="PointwiseGemm.Run"/>; oneDNN's NHWC kernel was off by ~50 % for these shapes on this project's CI VMs.
    /// </summary>
    [Fact]
    public void PlainPointwiseConvsInASequentialMatchFloat64()
    {
        using var _ = no_grad();
        using var mlp = nn.Sequential(nn.Conv2d(40, 80, 1, bias: false), nn.ReLU(), nn.Conv2d(80, 40, 1, bias: false));
        using var x = MemoryFormat.ChannelsLast(randn(2, 40, 40, 40, generator: new Generator(5)));
        using var y = PointwiseGemm.Run(mlp, x).to(ScalarType.Float64);
        mlp.to(ScalarType.Float64);
        using var reference = mlp.call(x.to(ScalarType.Float64).contiguous());
        var diff = ((y - reference).abs().max() / reference.abs().max()).item<double>();
        Assert.True(diff < 1e-5, $"max |float32 − float64| / max |float64| = {diff:E2}");
    }

    [Fact]
    public void SuspendedRunCallsTheConvolutionSoItsHooksFire()
    {
        using var conv = nn.Conv2d(16, 8, 1);
        int fired = 0;
        var hook = conv.register_forward_hook((m, i, o) => { fired++; return o; });
        using var x = MemoryFormat.ChannelsLast(randn(1, 16, 8, 8));
        PointwiseGemm.Run(conv, x).Dispose();
        int unsuspended = fired;
        using (PointwiseGemm.Suspend()) PointwiseGemm.Run(conv, x).Dispose();
        Assert.Equal(PointwiseGemm.Needed ? 0 : 1, unsuspended);
        Assert.Equal(unsuspended + 1, fired);
        hook.remove();
    }
}
