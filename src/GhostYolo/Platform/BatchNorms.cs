using TorchSharp;

namespace GhostYolo.Platform;

/// <summary>BatchNorm2d without the batch counter.</summary>
/// <remarks>
/// TorchSharp 0.107's <c>BatchNorm.forward</c> counts batches with <c>num_batches_tracked.add_(1)</c>, whose implicit
/// <c>Scalar</c>s can be finalized mid-call by a garbage collection started on another thread (a loader worker): seen as
/// "For integral input tensors, argument alpha must not be a floating point number" after 20 epochs of training (the
/// race itself is fixed by tools/fix-libtorchsharp.sh). The counter is only read when momentum is None; ultralytics'
/// is 0.03, so the buffer is dropped and the call never made. Checkpoints still carry <c>num_batches_tracked</c> for
/// PyTorch (<c>Weights/StateDictIO</c> adds and skips it).
/// </remarks>
internal static class BatchNorms
{
    public static TorchSharp.Modules.BatchNorm2d WithoutCounter(long c, double eps, double momentum)
    {
        var bn = torch.nn.BatchNorm2d(c, eps: eps, momentum: momentum);
        bn.num_batches_tracked = null;
        return bn;
    }
}
