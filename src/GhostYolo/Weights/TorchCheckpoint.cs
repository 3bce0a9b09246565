using System.Collections;
using System.Globalization;
using GhostYolo.Nn;
using Razorvine.Pickle.Objects;
using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>
/// Interprets a <c>torch.save</c> file: an ultralytics (<c>yolo train</c>'s <c>best.pt</c> / <c>last.pt</c>, the stock
/// <c>yolov8n.pt</c>) or yolov5 v7.0 checkpoint — a dict whose <c>model</c> or <c>ema</c> is the whole pickled
/// <c>DetectionModel</c> — or a plain state dict. A checkpoint becomes a GhostYolo <see cref="Checkpoint"/>: the model
/// YAML it carries, class names, training image size and the weights under ultralytics' names.
/// </summary>
internal static class TorchCheckpoint
{
    /// <summary>True for files <see cref="Read"/> understands by extension (<c>.pt</c>, <c>.pth</c>).</summary>
    public static bool IsTorchFile(string path)
        => path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a whole-model checkpoint. A plain state dict is refused with a hint to give the model YAML.</summary>
    public static Checkpoint Read(string path, ModuleRegistry? registry = null)
    {
        var root = TorchArchive.Read(path);
        if (root is not Hashtable dict)
            throw new InvalidDataException($"{path}: expected a dict at the top of the pickle, found {Describe(root)}");
        var model = PickledModel(dict);
        if (model is null)
        {
            if (AsStateDict(dict) is not null)
                throw new InvalidDataException($"{path} holds only a state dict (no model): give the model YAML too, e.g. --model yolov8n.yaml --weights {path}");
            throw new InvalidDataException($"{path}: no pickled model under 'ema' or 'model' (keys: {string.Join(", ", dict.Keys.Cast<object>().Take(12))})");
        }
        var producer = model.ClassName.StartsWith("ultralytics.", StringComparison.Ordinal) ? "ultralytics"
            : model.ClassName.StartsWith("models.", StringComparison.Ordinal) ? "yolov5" : model.ClassName;
        if (PyModuleTree.Attr(model, "yaml") is not IDictionary yaml)
            throw new InvalidDataException($"{path}: the pickled {model.ClassName} carries no 'yaml' model definition");

        var yamlText = YamlText.FromDict(yaml);
        var yamlFile = yaml["yaml_file"] as string;
        var stem = yamlFile is null ? Path.GetFileNameWithoutExtension(path) : Path.GetFileNameWithoutExtension(yamlFile);
        var scale = yaml["scale"] as string is { Length: > 0 } s ? s : null;
        var names = Names(PyModuleTree.Attr(model, "names"));
        int nc = yaml["nc"] is { } n ? Convert.ToInt32(n, CultureInfo.InvariantCulture) : names.Count;
        if (names.Count == 0) names = Enumerable.Range(0, nc).Select(i => $"class{i}").ToList();
        if (names.Count != nc) throw new InvalidDataException($"{path}: the model has nc={nc} but {names.Count} class names");

        var definition = ModelDefinition.Parse(yamlText, path, scale, nc);
        registry ??= ModuleRegistry.CreateDefault();
        var missing = definition.Layers.Select(l => l.Module).Where(m => !registry.TryGet(m, out _)).Distinct().ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{path}: the model uses modules GhostYolo does not have: {string.Join(", ", missing)} (layers {string.Join(", ", definition.Layers.Where(l => missing.Contains(l.Module)).Select(l => l.Index).Take(8))})");

        var args = (dict["train_args"] ?? dict["opt"]) as IDictionary;
        var info = new CheckpointInfo
        {
            Format = $"{producer} {dict["version"] ?? ""}".Trim(),
            ModelYaml = yamlText,
            ModelName = ModelDefinition.PrettyName(stem),
            Scale = definition.Scale,
            Nc = nc,
            Names = names,
            ImgSz = ImgSz(args?["imgsz"]),
            Epoch = dict["epoch"] is { } e ? Convert.ToInt32(e, CultureInfo.InvariantCulture) : -1,
            TrainArgs = args?.Cast<DictionaryEntry>().ToDictionary(kv => kv.Key.ToString()!, kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture) ?? "") ?? [],
        };
        return new Checkpoint(info, PyModuleTree.StateDict(model));
    }

    /// <summary>The weights of any torch file: a checkpoint's (EMA) model, or a state dict (also under 'model' / 'state_dict').</summary>
    public static Dictionary<string, Tensor> ReadWeights(string path)
    {
        var root = TorchArchive.Read(path);
        if (root is Hashtable dict)
        {
            if (PickledModel(dict) is { } m) return PyModuleTree.StateDict(m);
            if (AsStateDict(dict) is { } sd) return sd;
        }
        if (root is ClassDict module && PyModuleTree.IsModule(module)) return PyModuleTree.StateDict(module);
        throw new InvalidDataException($"{path}: neither a checkpoint with a model nor a state dict ({Describe(root)})");
    }

    /// <summary>The checkpoint's pickled model: the EMA when there is one, else <c>model</c> (as ultralytics and yolov5 pick).</summary>
    private static ClassDict? PickledModel(Hashtable dict)
        => (dict["ema"] as ClassDict ?? dict["model"] as ClassDict) is { } m && PyModuleTree.IsModule(m) ? m : null;

    private static Dictionary<string, Tensor>? AsStateDict(Hashtable dict)
    {
        foreach (var key in new object?[] { null, "state_dict", "model" })
        {
            var candidate = key is null ? dict : dict[key] as Hashtable;
            if (candidate is null || candidate.Count == 0) continue;
            var items = PyModuleTree.Items(candidate).ToList();
            if (items.All(i => i.Value is Tensor)) return items.ToDictionary(i => i.Name, i => (Tensor)i.Value!, StringComparer.Ordinal);
        }
        return null;
    }

    private static List<string> Names(object? names) => names switch
    {
        IDictionary d => d.Keys.Cast<object>().OrderBy(k => Convert.ToInt64(k, CultureInfo.InvariantCulture)).Select(k => d[k]!.ToString()!).ToList(),
        IList l => l.Cast<object>().Select(o => o.ToString()!).ToList(),
        _ => [],
    };

    private static int ImgSz(object? v) => v switch
    {
        IList l when l.Count > 0 => l.Cast<object>().Max(o => Convert.ToInt32(o, CultureInfo.InvariantCulture)),
        null => 640,
        _ => Convert.ToInt32(v, CultureInfo.InvariantCulture),
    };

    private static string Describe(object? o) => o switch
    {
        null => "None",
        ClassDict c => c.ClassName,
        _ => o.GetType().Name,
    };
}
