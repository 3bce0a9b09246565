using GhostYolo.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>A model ready for inference or training, with its class names and where it came from.</summary>
/// <param name="ImgSz">The image size a checkpoint was trained at (640 for a YAML): val and detect use it when none is
/// asked for, as ultralytics does with the <c>imgsz</c> stored in a <c>.pt</c>.</param>
public sealed record LoadedModel(DetectionModel Model, IReadOnlyList<string> Names, int ImgSz, string Source, CheckpointInfo? Checkpoint);

/// <summary>Loads a detector from a GhostYolo checkpoint (<c>.gyt</c>) or builds one from a model YAML (random weights).</summary>
public static class ModelLoader
{
    /// <param name="model">A checkpoint path or a model YAML name/path.</param>
    /// <param name="nc">For YAMLs: the class count (e.g. from the dataset); ignored for checkpoints.</param>
    /// <param name="names">For YAMLs: class names; default <c>class0..</c>.</param>
    public static LoadedModel Load(string model, Device device, int? nc = null, IReadOnlyList<string>? names = null)
    {
        if (Checkpoint.IsCheckpoint(model))
        {
            using var ckpt = Checkpoint.Load(model);
            var m = ckpt.BuildModel();
            m.to(device);
            return new LoadedModel(m, ckpt.Info.Names, ckpt.Info.ImgSz, model, ckpt.Info);
        }
        if (!model.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !model.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) && File.Exists(model))
            throw new InvalidDataException($"'{model}' is neither a model YAML nor a GhostYolo checkpoint ({Checkpoint.Extension})");
        var built = new ModelBuilder().Build(model, nc ?? names?.Count);
        built.to(device);
        var n = names ?? Enumerable.Range(0, built.Nc).Select(i => $"class{i}").ToList();
        if (n.Count != built.Nc) throw new ArgumentException($"{model}: the model has {built.Nc} classes but {n.Count} names were given");
        return new LoadedModel(built, n, 640, model, null);
    }
}
