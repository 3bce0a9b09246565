using GhostYolo.Nn;
using GhostYolo.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>A model ready for inference or training, with its class names and where it came from.</summary>
/// <param name="ImgSz">The image size a checkpoint was trained at (640 for a YAML): val and detect use it when none is
/// asked for, as ultralytics does with the <c>imgsz</c> stored in a <c>.pt</c>.</param>
/// <param name="Model">The network. Its weights live in native memory: dispose it when done (predictors built from it do not).</param>
/// <param name="Names">Class names, index = class id.</param>
/// <param name="Source">The file or YAML it was loaded from.</param>
/// <param name="Checkpoint">What the checkpoint recorded (epoch, training arguments, metrics); null for a YAML.</param>
public sealed record LoadedModel(DetectionModel Model, IReadOnlyList<string> Names, int ImgSz, string Source, CheckpointInfo? Checkpoint)
{
    /// <summary>True when the weights came from a file (not random weights from a bare YAML).</summary>
    public bool HasWeights { get; init; } = Checkpoint is not null;
}

/// <summary>
/// Loads a detector from a checkpoint — GhostYolo's <c>.gyt</c>, an ultralytics or yolov5 <c>.pt</c>, a safetensors file
/// exported by GhostYolo — or builds one from a model YAML, optionally with a weights file in ultralytics' names
/// (state dict <c>.pt</c>, safetensors, any checkpoint) loaded strictly.
/// </summary>
public static class ModelLoader
{
    /// <summary>As the overload that takes a <c>Device</c>, on a device given as text
    /// (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>; see <see cref="DeviceParser"/>).</summary>
    public static LoadedModel Load(string model, string device = "cpu", int? nc = null, IReadOnlyList<string>? names = null, string? weights = null)
        => Load(model, DeviceParser.Parse(device), nc, names, weights);

    /// <param name="model">A checkpoint path or a model YAML name/path.</param>
    /// <param name="nc">For YAMLs: the class count (e.g. from the dataset); ignored for checkpoints.</param>
    /// <param name="names">For YAMLs: class names; default <c>class0..</c>.</param>
    /// <param name="weights">For YAMLs: a weights file whose tensors must fit the YAML exactly.</param>
    public static LoadedModel Load(string model, Device device, int? nc = null, IReadOnlyList<string>? names = null, string? weights = null)
    {
        if (WeightsFile.IsWeightsFile(model))
        {
            if (!File.Exists(model)) throw new FileNotFoundException($"model file '{model}' not found", model);
            if (weights is not null) throw new ArgumentException($"--weights is for a model YAML; {model} already holds weights");
            using var ckpt = WeightsFile.ReadCheckpoint(model);
            var m = ckpt.BuildModel(model);
            m.to(device);
            return new LoadedModel(m, ckpt.Info.Names, ckpt.Info.ImgSz, model, ckpt.Info);
        }
        if (!model.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !model.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) && File.Exists(model))
            throw new InvalidDataException($"'{model}' is neither a model YAML nor a checkpoint (.gyt, .pt, .pth, .safetensors)");
        var built = new ModelBuilder().Build(model, nc ?? names?.Count);
        var n = names ?? Enumerable.Range(0, built.Nc).Select(i => $"class{i}").ToList();
        if (n.Count != built.Nc) throw new ArgumentException($"{model}: the model has {built.Nc} classes but {n.Count} names were given");
        if (weights is not null)
        {
            var tensors = WeightsFile.ReadWeights(weights);
            try { Checkpoint.LoadInto(built, tensors, strict: true, weights); }
            finally { foreach (var t in tensors.Values) t.Dispose(); }
        }
        built.to(device);
        return new LoadedModel(built, n, 640, model, null) { HasWeights = weights is not null };
    }
}
