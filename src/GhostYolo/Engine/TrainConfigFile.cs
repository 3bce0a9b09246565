using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GhostYolo.Engine;

/// <summary>A key of the reference trainers' settings files that GhostYolo does not have as a setting.</summary>
/// <param name="Key">The key as the file spells it.</param>
/// <param name="Default">The value that means "off" / the reference default; null when any value is accepted (<paramref name="Inert"/>).</param>
/// <param name="Meaning">What the key does in the reference.</param>
/// <param name="Inert">True when the key has no effect on detection training in the reference either (any value is accepted).</param>
internal sealed record ForeignSetting(string Key, string? Default, string Meaning, bool Inert = false);

/// <summary>
/// Reads a <c>--cfg</c> settings file: GhostYolo's own keys (cfg/default.yaml), yolov5 v7.0 hyp files
/// (<c>data/hyps/hyp.scratch-low.yaml</c> and its siblings) and ultralytics 8.2 cfg files. Keys GhostYolo honours become
/// overrides; a reference key GhostYolo does not implement is accepted only at its default value (so a hyp file never loses a
/// setting silently), keys the reference ignores for detection training are accepted and ignored, and anything else is an error
/// naming the file, the line and the key.
/// </summary>
internal static class TrainConfigFile
{
    /// <summary>Reference keys without a GhostYolo setting.</summary>
    public static readonly IReadOnlyList<ForeignSetting> Foreign =
    [
        // yolov5 v7.0 hyp files
        new("cls_pw", "1.0", "class BCE positive weight"),
        new("obj_pw", "1.0", "objectness BCE positive weight"),
        new("fl_gamma", "0.0", "focal loss gamma"),
        new("copy_paste", "0.0", "segment copy-paste"),
        new("anchors", "0", "anchors per level to re-initialise (yolov5 hyp 'anchors')"),
        new("iou_t", null, "IoU training threshold (unused by yolov5 v7.0 itself)", Inert: true),
        // ultralytics 8.2 default.yaml, training keys
        new("time", "null", "training time limit in hours"),
        new("cache", "false", "caching images in RAM or on disk"),
        new("pretrained", "true", "pretrained-weights switch (GhostYolo transfers --weights / checkpoint models)"),
        new("deterministic", "true", "deterministic algorithms (GhostYolo is seeded)"),
        new("rect", "false", "rectangular training batches"),
        new("freeze", "null", "freezing the first N layers"),
        new("multi_scale", "false", "multi-scale training"),
        new("dropout", "0.0", "dropout (classification)"),
        new("bgr", "0.0", "BGR channel swap augmentation"),
        new("conf", "null", "validation confidence threshold (0.001 while training)"),
        new("half", "false", "fp16 validation"),
        new("dnn", "false", "OpenCV DNN inference"),
        new("task", "detect", "task (GhostYolo trains detectors)"),
        new("mode", "train", "mode"),
        new("save", "true", "saving checkpoints"),
        new("split", "val", "the split validated"),
        new("save_json", "false", "COCO JSON of validation"),
        new("save_hybrid", "false", "hybrid labels"),
        new("profile", "false", "ONNX/TensorRT profiling during training"),
        // ultralytics keys of other tasks or modes: no effect on detection training in ultralytics either
        .. new[]
        {
            "verbose", "overlap_mask", "mask_ratio", "pose", "kobj", "auto_augment", "erasing", "crop_fraction", "source", "vid_stride",
            "stream_buffer", "visualize", "augment", "agnostic_nms", "classes", "retina_masks", "embed", "show", "save_frames", "save_txt",
            "save_conf", "save_crop", "show_labels", "show_conf", "show_boxes", "line_width", "format", "keras", "optimize", "int8",
            "dynamic", "simplify", "opset", "workspace", "nms", "tracker", "cfg",
        }.Select(k => new ForeignSetting(k, null, "another task's or mode's setting", Inert: true)),
    ];

    /// <summary>Reads <paramref name="path"/> into <c>key=value</c> overrides of <see cref="TrainOptions"/>.</summary>
    /// <exception cref="InvalidDataException">A key that is not known, a value that does not parse, or a reference key GhostYolo does
    /// not implement set to a non-default value; the message names the file, line and key.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException e) { throw new InvalidDataException($"{path}:{e.Start.Line}: not valid YAML: {e.Message}", e); }
        var pairs = new List<KeyValuePair<string, string>>();
        if (stream.Documents.Count == 0) return pairs;
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new InvalidDataException($"{path}: expected a mapping of setting: value");
        var defaults = new TrainOptions();
        foreach (var (k, v) in map.Children)
        {
            string key = ((YamlScalarNode)k).Value!;
            string where = $"{path}:{k.Start.Line}";
            if (v is not YamlScalarNode scalar)
                throw new InvalidDataException($"{where}: '{key}' must be a single value");
            string value = scalar.Value ?? "";
            if (OptionOverrides.IsKnown<TrainOptions>(key))
            {
                // An empty value in ultralytics' files means "the default" (model:, data:, device:, project:, name:).
                if (value is "" or "null" or "None" or "~" && !IsNullable(key)) continue;
                try { OptionOverrides.Apply(defaults, [new(key, value)]); }
                catch (ArgumentException e) { throw new InvalidDataException($"{where}: {e.Message}", e); }
                pairs.Add(new(key, value));
                continue;
            }
            var foreign = Foreign.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase));
            if (foreign is null)
            {
                var names = typeof(TrainOptions).GetProperties().Select(p => OptionOverrides.ToSnake(p.Name)).Concat(Foreign.Select(f => f.Key)).ToList();
                throw new InvalidDataException($"{where}: unknown setting '{key}'; did you mean '{NearestName.Find(key, names)}'? (see `ghostyolo train --help`)");
            }
            if (foreign.Inert || SameValue(value, foreign.Default!)) continue;
            throw new InvalidDataException($"{where}: '{key}: {value}' ({foreign.Meaning}) is not implemented by GhostYolo; " +
                $"remove the line or set it to {foreign.Default}");
        }
        return pairs;
    }

    /// <summary>The settings a train run honours and the reference keys it accepts, for <c>--help</c>.</summary>
    public static string Help()
    {
        var honoured = typeof(TrainOptions).GetProperties().Select(p => OptionOverrides.ToSnake(p.Name));
        return "Settings (key=value, --key value, or a --cfg YAML such as cfg/default.yaml or yolov5's data/hyps/hyp.scratch-low.yaml) — " +
            $"honoured: {string.Join(", ", honoured)}. " +
            $"Accepted only at their default (not implemented): {string.Join(", ", Foreign.Where(f => !f.Inert).Select(f => $"{f.Key}={f.Default}"))}. " +
            $"Ignored (no effect on detection training in the reference either): {string.Join(", ", Foreign.Where(f => f.Inert).Select(f => f.Key))}.";
    }

    private static bool IsNullable(string key)
    {
        var p = typeof(TrainOptions).GetProperties().First(p => string.Equals(p.Name, key.Replace("_", "").Replace("-", ""), StringComparison.OrdinalIgnoreCase));
        return Nullable.GetUnderlyingType(p.PropertyType) is not null;
    }

    private static bool SameValue(string a, string b)
    {
        static string Norm(string s) => s.Trim().ToLowerInvariant() switch { "" or "null" or "none" or "~" => "null", var x => x };
        string x = Norm(a), y = Norm(b);
        if (x == y) return true;
        return double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var dx)
            && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var dy) && dx == dy;
    }
}
