using System.Text.Json;
using GhostYolo.Nn;
using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>
/// One door for every weights format GhostYolo reads: its own <c>.gyt</c> checkpoints, ultralytics / yolov5 checkpoints and
/// plain state dicts saved by <c>torch.save</c> (<c>.pt</c>, <c>.pth</c>), and safetensors files.
/// </summary>
internal static class WeightsFile
{
    /// <summary>The <c>__metadata__</c> key under which GhostYolo's safetensors export stores the model YAML.</summary>
    public const string YamlKey = "yaml";

    /// <summary>True for a file that can carry a whole model: <c>.gyt</c>, <c>.pt</c>/<c>.pth</c>, <c>.safetensors</c>.</summary>
    public static bool IsWeightsFile(string path)
        => path.EndsWith(Checkpoint.Extension, StringComparison.OrdinalIgnoreCase) || TorchCheckpoint.IsTorchFile(path) || SafetensorsFile.IsSafetensors(path);

    /// <summary>A whole model (YAML + names + weights) from a checkpoint file.</summary>
    public static Checkpoint ReadCheckpoint(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' not found", path);
        if (TorchCheckpoint.IsTorchFile(path)) return TorchCheckpoint.Read(path);
        if (SafetensorsFile.IsSafetensors(path))
        {
            var meta = SafetensorsFile.ReadMetadata(path);
            if (!meta.TryGetValue(YamlKey, out var yaml))
                throw new InvalidDataException($"{path} carries no model YAML in its metadata: give the YAML too, e.g. --model yolov8n.yaml --weights {path}");
            var names = meta.TryGetValue("names", out var n) ? JsonSerializer.Deserialize<List<string>>(n) ?? [] : [];
            var info = new CheckpointInfo
            {
                Format = "safetensors",
                ModelYaml = yaml,
                ModelName = meta.GetValueOrDefault("model") ?? Path.GetFileNameWithoutExtension(path),
                Scale = meta.GetValueOrDefault("scale") is { Length: > 0 } s ? s : null,
                Nc = names.Count,
                Names = names,
                ImgSz = meta.TryGetValue("imgsz", out var i) ? int.Parse(i, System.Globalization.CultureInfo.InvariantCulture) : 640,
            };
            return new Checkpoint(info, SafetensorsFile.Read(path));
        }
        return Checkpoint.Load(path);
    }

    /// <summary>Just the tensors, by name (for <c>--weights</c>): any of the formats above.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file '{path}' not found", path);
        if (TorchCheckpoint.IsTorchFile(path)) return TorchCheckpoint.ReadWeights(path);
        if (SafetensorsFile.IsSafetensors(path)) return SafetensorsFile.Read(path);
        if (path.EndsWith(Checkpoint.Extension, StringComparison.OrdinalIgnoreCase))
        {
            var ckpt = Checkpoint.Load(path);
            return ckpt.Weights;
        }
        throw new InvalidDataException($"'{path}': unknown weights format; use .gyt, .pt/.pth (torch.save) or .safetensors");
    }
}
