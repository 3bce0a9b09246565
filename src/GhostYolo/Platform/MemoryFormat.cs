using static TorchSharp.torch;

namespace GhostYolo.Platform;

/// <summary>Memory-format helpers TorchSharp does not expose (it has no <c>memory_format</c> argument on <c>contiguous</c>).</summary>
internal static class MemoryFormat
{
    /// <summary>The same (N,C,H,W) tensor stored NHWC in memory — what PyTorch calls <c>torch.channels_last</c>.</summary>
    /// A fresh tensor (not a view), so it can back a Parameter that is later updated in place.
    public static Tensor ChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || IsChannelsLast(x)) return x;
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var result = empty_strided([n, c, h, w], [h * w * c, 1, w * c, c], dtype: x.dtype, device: x.device);
        using (no_grad()) result.copy_(x);
        return result;
    }

    /// <summary>
    /// A model's input as the convolutions must see it: NHWC. libtorch 2.10's fp32 convolution on NCHW input returns wrong
    /// values on some CPUs (this AMD EPYC VM that hides its cache sizes: 3×3 and 2×2 kernels whose input channels are not a
    /// multiple of 16 — FasterNet-n's 24 and 40 — at 40×40 and up, off by 20–50 %); on NHWC input those kernels are right,
    /// whatever layout the weights have (its 1×1 kernels are not, for some shapes: docs/workarounds.md). Inference and
    /// training already ran NHWC; this makes every forward do so.
    /// </summary>
    public static Tensor ConvolutionInput(Tensor x)
        => x.dim() != 4 || IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);   // differentiable, unlike ChannelsLast

    public static bool IsChannelsLast(Tensor x) => x.dim() == 4 && x.stride(1) == 1 && x.shape[1] > 1;
}
