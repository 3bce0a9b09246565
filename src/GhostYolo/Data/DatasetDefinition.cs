using YamlDotNet.RepresentationModel;

namespace GhostYolo.Data;

/// <summary>
/// An ultralytics dataset YAML (training.md §1.1, <c>check_det_dataset</c>): root, split sources and class names.
/// All paths are absolute; <see cref="Nc"/> is derived from <see cref="Names"/>.
/// </summary>
/// <param name="YamlPath">The dataset YAML's absolute path.</param>
/// <param name="Root">The dataset root (<c>path</c>), absolute.</param>
/// <param name="Train">Training sources: image folders, image files or <c>.txt</c> lists.</param>
/// <param name="Val">Validation sources.</param>
/// <param name="Test">Test sources; null when the YAML has none.</param>
/// <param name="Names">Class names, index = class id.</param>
public sealed record DatasetDefinition(
    string YamlPath,
    string Root,
    IReadOnlyList<string> Train,
    IReadOnlyList<string> Val,
    IReadOnlyList<string>? Test,
    IReadOnlyList<string> Names)
{
    /// <summary>Number of classes.</summary>
    public int Nc => Names.Count;

    /// <summary>The sources of a split ("train", "val" or "test"); null when the split is absent.</summary>
    public IReadOnlyList<string>? Split(string split) => split switch
    {
        "train" => Train,
        "val" => Val,
        "test" => Test,
        _ => throw new ArgumentException($"unknown split '{split}' (expected train, val or test)", nameof(split)),
    };

    /// <summary>Sorted image paths of a split.</summary>
    public List<string> ImagePaths(string split)
    {
        var sources = Split(split) ?? throw new DatasetException($"{YamlPath}: no '{split}' split defined");
        try { return ImageFiles.ExpandAll(sources); }
        catch (DatasetException e) { throw new DatasetException($"{YamlPath}: key '{split}': {e.Message}", e); }
    }

    /// <summary>Parses a dataset YAML file. Errors name the file, key and line.</summary>
    public static DatasetDefinition Load(string yamlPath)
    {
        yamlPath = Path.GetFullPath(yamlPath);
        if (!File.Exists(yamlPath)) throw new DatasetException($"{yamlPath}: dataset YAML not found");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(yamlPath);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new DatasetException($"{yamlPath}:{e.Start.Line}: invalid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new DatasetException($"{yamlPath}: expected a mapping with keys path, train, val, names");

        string Fail(string key, YamlNode? node, string what) =>
            throw new DatasetException($"{yamlPath}:{node?.Start.Line ?? 1}: key '{key}': {what}");
        YamlNode? Get(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;

        string yamlDir = Path.GetDirectoryName(yamlPath)!;
        var pathNode = Get("path");
        string root = pathNode is YamlScalarNode ps && !string.IsNullOrWhiteSpace(ps.Value)
            ? Path.GetFullPath(Path.Combine(yamlDir, ps.Value!))
            : yamlDir;

        List<string>? Sources(string key, bool required)
        {
            var node = Get(key);
            if (node is null || node is YamlScalarNode { Value: null or "" })
            {
                if (required) Fail(key, map, "missing; set it to an image folder, a list of folders or a .txt list relative to 'path'");
                return null;
            }
            IEnumerable<YamlNode> items = node switch
            {
                YamlScalarNode s => [s],
                YamlSequenceNode seq => seq.Children,
                _ => throw new DatasetException($"{yamlPath}:{node.Start.Line}: key '{key}': expected a path or a list of paths"),
            };
            var result = new List<string>();
            foreach (var item in items)
            {
                if (item is not YamlScalarNode { Value: { } v } || v.Length == 0) Fail(key, item, "expected a path");
                string raw = ((YamlScalarNode)item).Value!;
                string full = Path.GetFullPath(Path.Combine(root, raw));
                if (!Directory.Exists(full) && !File.Exists(full) && raw.StartsWith("../", StringComparison.Ordinal))
                    full = Path.GetFullPath(Path.Combine(root, raw[3..]));
                if (!Directory.Exists(full) && !File.Exists(full))
                    Fail(key, item, $"'{raw}' does not exist (resolved to {full}; relative paths resolve against 'path' = {root})");
                result.Add(full);
            }
            return result;
        }

        var train = Sources("train", required: true)!;
        var val = Sources("val", required: false) ?? Sources("validation", required: false);
        var test = Sources("test", required: false);
        if (val is null) Fail("val", map, "missing; set it to the validation image folder or .txt list");

        var names = ParseNames(Get("names"), yamlPath);
        var ncNode = Get("nc");
        if (ncNode is YamlScalarNode { Value: { } ncText })
        {
            if (!int.TryParse(ncText, out int nc) || nc <= 0) Fail("nc", ncNode, $"'{ncText}' is not a positive integer");
            int ncValue = int.Parse(ncText);
            if (names is null) names = [.. Enumerable.Range(0, ncValue).Select(i => $"class_{i}")];
            else if (names.Count != ncValue) Fail("nc", ncNode, $"nc = {ncValue} but 'names' has {names.Count} entries; make them agree");
        }
        if (names is null || names.Count == 0) Fail("names", map, "missing; give a list of class names or a map {0: name, ...}");
        return new DatasetDefinition(yamlPath, root, train, val!, test, names!);
    }

    private static List<string>? ParseNames(YamlNode? node, string yamlPath)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlSequenceNode seq:
                return [.. seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? throw new DatasetException($"{yamlPath}:{c.Start.Line}: key 'names': each name must be a string"))];
            case YamlMappingNode m:
                var dict = new SortedDictionary<int, string>();
                foreach (var (k, v) in m.Children)
                {
                    if (k is not YamlScalarNode { Value: { } ks } || !int.TryParse(ks, out int key) || key < 0)
                        throw new DatasetException($"{yamlPath}:{k.Start.Line}: key 'names': map keys must be class indices 0..nc-1");
                    dict[key] = (v as YamlScalarNode)?.Value ?? "";
                }
                if (dict.Count > 0 && dict.Keys.Max() >= dict.Count)
                    throw new DatasetException($"{yamlPath}:{m.Start.Line}: key 'names': class indices must be 0..{dict.Count - 1} without gaps (found {dict.Keys.Max()})");
                return [.. dict.Values];
            default:
                throw new DatasetException($"{yamlPath}:{node.Start.Line}: key 'names': expected a list or a map");
        }
    }
}
