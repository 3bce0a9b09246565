using TorchSharp;

namespace GhostYolo.Engine;

/// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>N</c>; asking for CUDA where it is not available is a clear error.</summary>
internal static class DeviceParser
{
    /// <summary>Throws the same clear error as <see cref="Parse"/> for a bad device, without returning a TorchSharp type.</summary>
    public static void Check(string text) => Parse(text);

    public static torch.Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "cpu" or "") return torch.CPU;
        if (t.StartsWith("cuda") || int.TryParse(t, out _))
        {
            if (!torch.cuda.is_available())
                throw new NotSupportedException($"--device {text}: CUDA is not available in this build or on this machine. GhostYolo uses the CPU libtorch by default; build with -p:GhostYoloBackend=cuda on a machine with an NVIDIA GPU, or use --device cpu.");
            return t.Contains(':') ? torch.device(t) : torch.device(int.TryParse(t, out var i) ? $"cuda:{i}" : "cuda:0");
        }
        throw new ArgumentException($"--device '{text}' is not valid; use cpu, cuda or cuda:N");
    }
}
