using static TorchSharp.torch;

namespace GhostYolo.Nn;

/// <summary>Memory-format helpers TorchSharp does not expose (it has no <c>memory_format</c> argument on <c>contiguous</c>).</summary>
public static class MemoryFormat
{
    /// <summary>The same (N,C,H,W) tensor stored NHWC in memory — what PyTorch calls <c>torch.channels_last</c>.</summary>
    public static Tensor ChannelsLast(Tensor x) => x.dim() == 4 ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;

    public static bool IsChannelsLast(Tensor x) => x.dim() == 4 && x.stride(1) == 1 && x.shape[1] > 1;
}
