using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Platform;

/// <summary>
/// A 1×1 convolution of an NHWC-stored input as one GEMM, (N·H·W, C_in) × (C_in, C_out), giving an NHWC-stored output:
/// used instead of oneDNN's 1×1 convolution where the CPU hides its cache sizes (<see cref="CpuFeatures.CacheSizesHidden"/>,
/// as on this project's CI VMs). There oneDNN's blocking heuristic divides by zero (SIGFPE in
/// <c>brg_blocking_t::est_eff_1x1</c>) for some shapes on two threads — 1024 → 512 and 512 → 1024 channels at 20×20, so
/// yolov8s' SPPF and larger models — killing the process. Same result; autograd handles the backward. Forward hooks on the
/// inner Conv2d do not fire on this path (MacCounter hooks the Conv module itself).
/// </summary>
internal static class PointwiseGemm
{
    /// <summary>Whether 1×1 convolutions of channels-last inputs must avoid oneDNN on this machine.</summary>
    public static bool Needed => CpuFeatures.CacheSizesHidden;

    [ThreadStatic] private static int _suspended;

    /// <summary>
    /// Runs <paramref name="module"/> on <paramref name="x"/> with every plain 1×1 Conv2d in it — itself, or a child of a
    /// Sequential, recursively — taken as a GEMM where <see cref="Needed"/> and the input is channels-last; everything else
    /// through <c>call</c>. Besides the SIGFPE, oneDNN's NHWC 1×1 kernel returns wrong values on such VMs for some
    /// output-channel counts (40, 80, …: docs/workarounds.md), e.g. in FasterNet's MLP and the heads' last convs.
    /// </summary>
    public static Tensor Run(nn.Module<Tensor, Tensor> module, Tensor x)
    {
        switch (module)
        {
            case Conv2d conv when Needed && _suspended == 0 && IsPointwise(conv) && MemoryFormat.IsChannelsLast(x):
                return Forward(conv, x);
            case Sequential seq when Needed && _suspended == 0:
                foreach (var child in seq.children()) x = Run((nn.Module<Tensor, Tensor>)child, x);
                return x;
            default:
                return module.call(x);
        }
    }

    /// <summary>Until disposed, <see cref="Run"/> calls every module itself, so forward hooks on plain Conv2d fire (the MAC
    /// counter); on this thread only.</summary>
    public static IDisposable Suspend()
    {
        _suspended++;
        return new Resume();
    }

    private sealed class Resume : IDisposable
    {
        private bool _done;
        public void Dispose() { if (!_done) { _done = true; _suspended--; } }
    }

    /// <summary>1×1, stride 1, ungrouped, unpadded, undilated: a matrix product over the channels of every pixel.</summary>
    public static bool IsPointwise(Conv2d conv)
        => conv.weight!.shape[2] == 1 && conv.weight.shape[3] == 1 && conv.groups == 1
           && conv.stride.All(v => v == 1) && (conv.padding?.All(v => v == 0) ?? true) && conv.dilation.All(v => v == 1);

    /// <summary><paramref name="conv"/> (1×1, stride 1, ungrouped, unpadded) applied to channels-last <paramref name="x"/>.</summary>
    public static Tensor Forward(Conv2d conv, Tensor x)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var rows = x.permute(0, 2, 3, 1).reshape(n * h * w, x.shape[1]);              // dense NHWC memory is (NHW, C) row-major: a view
        var weight = conv.weight!.reshape(conv.weight.shape[0], conv.weight.shape[1]).t();
        var y = conv.bias is null ? rows.matmul(weight) : addmm(conv.bias, rows, weight, 1, 1);
        return y.view(n, h, w, -1).permute(0, 3, 1, 2);                               // (N, C, H, W) view of NHWC memory
    }
}
