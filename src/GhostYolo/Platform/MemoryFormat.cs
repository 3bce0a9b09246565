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

    public static bool IsChannelsLast(Tensor x) => x.dim() == 4 && x.stride(1) == 1 && x.shape[1] > 1;
}
