using System.CommandLine;
using GhostYolo.Platform;

namespace GhostYolo.Cli.Commands;

/// <summary>Options shared by several commands, and their interpretation (device, threads).</summary>
public static class CommonOptions
{
    public static Option<int?> Nc() => new("--nc") { Description = "Override the number of classes in the model YAML" };
    public static Option<int> ImgSz(int fallback = 640) => new("--imgsz") { Description = "Image size (pixels)", DefaultValueFactory = _ => fallback };
    /// <summary>--imgsz for commands that run a loaded model; unset means the model's own size (<see cref="GhostYolo.Engine.LoadedModel.ImgSz"/>).</summary>
    public static Option<int?> ModelImgSz() => new("--imgsz") { Description = "Image size (pixels; default: the size the checkpoint was trained at, 640 for a YAML)" };
    public static Option<string> Device() => new("--device") { Description = "cpu or cuda:N", DefaultValueFactory = _ => "cpu" };
    public static Option<int?> Threads() => new("--threads") { Description = "Intra-op threads of libtorch and ONNX Runtime (default: all cores)" };
    public static Option<string> Runtime() => new("--runtime")
    {
        Description = "auto (ONNX Runtime for fp32 on the CPU when the model exports, else libtorch), torch or onnx",
        DefaultValueFactory = _ => "auto",
    };


    /// <summary><c>--weights</c> for a model YAML: a state dict (.pt/.pth), safetensors or checkpoint in ultralytics' names, loaded strictly.</summary>
    public static Option<string?> Weights() => new("--weights")
    {
        Description = "With a model YAML: weights in ultralytics' parameter names (torch.save state dict .pt, .safetensors, or a checkpoint), loaded strictly",
    };

    /// <summary>--threads for the whole process (libtorch has only a process-wide count; ONNX Runtime sessions follow it).</summary>
    public static void ApplyThreads(int? threads)
    {
        if (threads is int n and > 0) GhostYoloRuntime.Configure(new RuntimeSettings { Threads = n });
    }
}
