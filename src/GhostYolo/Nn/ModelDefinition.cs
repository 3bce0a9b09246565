using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace GhostYolo.Nn;

/// <summary>One YAML row <c>[from, repeats, module, args]</c>, with its YAML line for error messages.</summary>
internal sealed record LayerDefinition(int Index, int[] From, int Repeats, string Module, IReadOnlyList<object?> Args, int Line);

/// <summary>
/// A model YAML in ultralytics form, parsed into records: <c>nc</c>, <c>scales</c> (or <c>depth_multiple</c>/<c>width_multiple</c>),
/// <c>activation</c>, optional <c>ch</c>, <c>backbone</c> and <c>head</c>. The scale letter comes from the file name
/// (<c>yolov8s-ghost.yaml</c> → <c>yolov8-ghost.yaml</c> at scale s), as ultralytics does.
/// </summary>
internal sealed record ModelDefinition(
    string File,
    string Yaml,
    int Nc,
    string? Scale,
    double Depth,
    double Width,
    int MaxChannels,
    string? Activation,
    int InputChannels,
    IReadOnlyList<LayerDefinition> Layers)
{
    /// <summary>Display name in ultralytics' style, e.g. <c>YOLOv8s</c> or <c>yolov8n-C2f-GhostBottleneck</c>.</summary>
    public string DisplayName { get; init; } = "";

    private static readonly Regex ScaleInName = new(@"yolov\d+([nslmx])", RegexOptions.IgnoreCase);

    /// <summary>Loads a model YAML by path or by bare name (searched under <c>cfg/models</c>), applying the scale letter in the name.</summary>
    public static ModelDefinition Load(string nameOrPath, int? ncOverride = null)
    {
        var requested = Path.GetFileName(nameOrPath);
        string? scale = null;
        var m = ScaleInName.Match(requested);
        string unified = requested;
        if (m.Success)
        {
            scale = m.Groups[1].Value.ToLowerInvariant();
            unified = requested.Remove(m.Groups[1].Index, 1);
        }
        var path = ModelPaths.Resolve(nameOrPath) ?? ModelPaths.Resolve(Path.Combine(Path.GetDirectoryName(nameOrPath) ?? "", unified))
            ?? throw new FileNotFoundException($"model YAML '{nameOrPath}' not found (looked for '{requested}' and '{unified}' as a path and under {string.Join(", ", ModelPaths.SearchRoots())}). Known models: {string.Join(", ", ModelPaths.KnownNames().Take(40))}");
        // A file that exists under its own name with a letter (e.g. yolov5s.yaml kept verbatim) keeps its own scale.
        var def = Parse(System.IO.File.ReadAllText(path), path, scale, ncOverride);
        var stem = Path.GetFileNameWithoutExtension(requested);
        return def with { DisplayName = PrettyName(stem) };
    }

    /// <summary>ultralytics' display name for a YAML stem: <c>yolov8n</c> → <c>YOLOv8n</c>; other names unchanged.</summary>
    public static string PrettyName(string stem)
        => Regex.IsMatch(stem, @"^yolov\d+[nslmx]?u?$", RegexOptions.IgnoreCase) ? "YOLO" + stem[4..] : stem;

    /// <summary>Parses YAML text. <paramref name="scale"/> picks a row of <c>scales</c>; null takes the first, as ultralytics does.</summary>
    public static ModelDefinition Parse(string yaml, string file, string? scale = null, int? ncOverride = null)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ModelDefinitionException(file, null, $"invalid YAML at line {e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ModelDefinitionException(file, null, "expected a mapping with nc, backbone and head");

        YamlNode? Get(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        int nc = ncOverride ?? (Get("nc") is YamlScalarNode ncNode
            ? ParseInt(ncNode, file, "nc")
            : throw new ModelDefinitionException(file, null, "missing 'nc' (number of classes); add e.g. 'nc: 80' or pass --nc"));
        if (nc < 1) throw new ModelDefinitionException(file, null, $"nc must be ≥ 1, got {nc}");

        double depth = 1.0, width = 1.0;
        int maxChannels = int.MaxValue;
        if (Get("scales") is YamlMappingNode scales && scales.Children.Count > 0)
        {
            var key = scale ?? ((YamlScalarNode)scales.Children.First().Key).Value!;
            if (!scales.Children.TryGetValue(new YamlScalarNode(key), out var row))
                throw new ModelDefinitionException(file, null, $"scale '{key}' not in scales ({string.Join(", ", scales.Children.Keys)})");
            if (row is not YamlSequenceNode seq || seq.Children.Count != 3)
                throw new ModelDefinitionException(file, null, $"scales.{key} must be [depth, width, max_channels] (line {row.Start.Line})");
            depth = ParseDouble(seq.Children[0], file, $"scales.{key}[0]");
            width = ParseDouble(seq.Children[1], file, $"scales.{key}[1]");
            maxChannels = ParseInt(seq.Children[2], file, $"scales.{key}[2]");
            scale = key;
        }
        else
        {
            if (Get("depth_multiple") is { } d) depth = ParseDouble(d, file, "depth_multiple");
            if (Get("width_multiple") is { } w) width = ParseDouble(w, file, "width_multiple");
        }
        var activation = (Get("activation") as YamlScalarNode)?.Value;
        if (activation is not null && Activations.Parse(activation) is null)
            throw new ModelDefinitionException(file, null, $"unknown activation '{activation}' (use e.g. nn.SiLU(), nn.ReLU(), nn.LeakyReLU(0.1), nn.Hardswish())");
        int ch = Get("ch") is { } chNode ? ParseInt(chNode, file, "ch") : 3;

        var layers = new List<LayerDefinition>();
        foreach (var section in new[] { "backbone", "head" })
        {
            var node = Get(section);
            if (node is null) { if (section == "backbone") throw new ModelDefinitionException(file, null, "missing 'backbone'"); continue; }
            if (node is not YamlSequenceNode rows) throw new ModelDefinitionException(file, null, $"'{section}' must be a list of [from, repeats, module, args] rows");
            foreach (var rowNode in rows)
                layers.Add(ParseRow(rowNode, layers.Count, file, nc, root));
        }
        return new ModelDefinition(file, yaml, nc, scale, depth, width, maxChannels, activation, ch, layers)
        { DisplayName = Path.GetFileNameWithoutExtension(file) };
    }

    private static LayerDefinition ParseRow(YamlNode node, int index, string file, int nc, YamlMappingNode root)
    {
        int line = (int)node.Start.Line;
        ModelDefinitionException Fail(string msg) => new(file, index, $"{msg} (line {line})");
        if (node is not YamlSequenceNode row || row.Children.Count != 4)
            throw Fail("each row must be [from, repeats, module, args]");
        int[] from = row.Children[0] switch
        {
            YamlScalarNode s => [ParseInt(s, file, "from", index)],
            YamlSequenceNode l when l.Children.Count > 0 => l.Children.Select(c => ParseInt(c, file, "from", index)).ToArray(),
            _ => throw Fail("'from' must be an integer or a non-empty list of integers"),
        };
        int repeats = ParseInt(row.Children[1], file, "repeats", index);
        if (repeats < 1) throw Fail($"repeats must be ≥ 1, got {repeats}");
        var module = (row.Children[2] as YamlScalarNode)?.Value ?? throw Fail("module must be a name");
        if (row.Children[3] is not YamlSequenceNode argsNode) throw Fail("args must be a list, e.g. [64, 3, 2]");
        var args = argsNode.Children.Select(a => ConvertArg(a, nc, root)).ToList();
        return new LayerDefinition(index, from, repeats, module, args, line);
    }

    /// <summary>Resolves a YAML argument: numbers, True/False, None, <c>nc</c> → the class count, nested lists, and a bare
    /// name of another top-level key (e.g. <c>anchors</c>) → that key's value, as YOLOv5's parse_model does.</summary>
    private static object? ConvertArg(YamlNode node, int nc, YamlMappingNode? root)
    {
        if (node is YamlSequenceNode seq) return seq.Children.Select(c => ConvertArg(c, nc, null)).ToList();
        if (node is not YamlScalarNode s) return null;
        var v = s.Value ?? "";
        if (s.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) return v;
        if (v is "None" or "null" or "~" or "") return null;
        if (v is "True" or "true") return true;
        if (v is "False" or "false") return false;
        if (v == "nc") return nc;
        if (root is not null && v is not ("backbone" or "head") && root.Children.TryGetValue(new YamlScalarNode(v), out var referenced))
            return ConvertArg(referenced, nc, null);
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return i;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return v;
    }

    private static int ParseInt(YamlNode node, string file, string what, int? layer = null)
        => node is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ModelDefinitionException(file, layer, $"'{what}' must be an integer (line {node.Start.Line})");

    private static double ParseDouble(YamlNode node, string file, string what)
        => node is YamlScalarNode s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ModelDefinitionException(file, null, $"'{what}' must be a number (line {node.Start.Line})");
}

/// <summary>Finds model YAMLs: a path as given, else under <c>cfg/models</c> of the working directory or of the installed tool.</summary>
internal static class ModelPaths
{
    public static IEnumerable<string> SearchRoots()
    {
        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var dir = Path.Combine(root, "cfg", "models");
            if (Directory.Exists(dir)) yield return dir;
        }
    }

    public static string? Resolve(string nameOrPath)
    {
        if (System.IO.File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        var name = Path.GetFileName(nameOrPath);
        if (!name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) name += ".yaml";
        foreach (var root in SearchRoots())
        {
            var hit = Directory.EnumerateFiles(root, name, SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
            if (hit is not null) return hit;
        }
        return null;
    }

    public static IEnumerable<string> KnownNames()
        => SearchRoots().SelectMany(r => Directory.EnumerateFiles(r, "*.yaml", SearchOption.AllDirectories))
            .Select(Path.GetFileName).Distinct().Order(StringComparer.Ordinal)!;
}
