using System.CommandLine;
using TorchSharp;

namespace GhostYolo.Cli.Commands;

/// <summary>Options shared by several commands, and their interpretation (device, threads).</summary>
public static class CommonOptions
{
    public static Option<int?> Nc() => new("--nc") { Description = "Override the number of classes in the model YAML" };
    public static Option<int> ImgSz(int fallback = 640) => new("--imgsz") { Description = "Image size (pixels)", DefaultValueFactory = _ => fallback };
    public static Option<string> Device() => new("--device") { Description = "cpu or cuda:N", DefaultValueFactory = _ => "cpu" };
    public static Option<int?> Threads() => new("--threads") { Description = "Torch intra-op threads (default: all cores)" };

    /// <summary>Parses cpu / cuda / cuda:N; asking for CUDA where it is not available is a clear error.</summary>
    public static torch.Device ParseDevice(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return torch.CPU;
        if (t.StartsWith("cuda") || int.TryParse(t, out _))
        {
            if (!torch.cuda.is_available())
                throw new NotSupportedException($"--device {text}: CUDA is not available in this build or on this machine. GhostYolo uses the CPU libtorch by default; build with -p:GhostYoloBackend=cuda on a machine with an NVIDIA GPU, or use --device cpu.");
            return t.Contains(':') ? torch.device(t) : torch.device(int.TryParse(t, out var i) ? $"cuda:{i}" : "cuda:0");
        }
        throw new ArgumentException($"--device '{text}' is not valid; use cpu, cuda or cuda:N");
    }

    public static void ApplyThreads(int? threads)
    {
        if (threads is int n and > 0) torch.set_num_threads(n);
    }
}
