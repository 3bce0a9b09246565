using System.Globalization;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace GhostYolo.Engine;

/// <summary>
/// Applies ultralytics-style <c>key=value</c> overrides (snake_case or kebab-case keys) to an options record.
/// An unknown key is an error that suggests the nearest valid one.
/// </summary>
internal static class OptionOverrides
{
    public static T Apply<T>(T options, IEnumerable<KeyValuePair<string, string>> overrides) where T : class
    {
        var props = Properties<T>();
        var copy = (T)typeof(T).GetMethod("<Clone>$")!.Invoke(options, null)!;
        foreach (var (rawKey, value) in overrides)
        {
            var key = Normalize(rawKey);
            if (!props.TryGetValue(key, out var prop))
            {
                var nearest = NearestName.Find(key, props.Keys);
                throw new ArgumentException($"unknown setting '{rawKey}'; did you mean '{ToSnake(props[nearest].Name)}'? Valid settings: {string.Join(", ", props.Values.Select(p => ToSnake(p.Name)).Order())}");
            }
            prop.SetValue(copy, Parse(prop.PropertyType, value, rawKey));
        }
        return copy;
    }

    /// <summary>True when <paramref name="key"/> (snake- or kebab-case) names a settable property of <typeparamref name="T"/>.</summary>
    public static bool IsKnown<T>(string key) where T : class => Properties<T>().ContainsKey(Normalize(key));

    /// <summary>Reads a flat YAML of overrides (<c>--cfg overrides.yaml</c>).</summary>
    public static IEnumerable<KeyValuePair<string, string>> FromYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path)) stream.Load(reader);
        if (stream.Documents.Count == 0) yield break;
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new InvalidDataException($"{path}: expected a mapping of setting: value");
        foreach (var (k, v) in map.Children)
            yield return new(((YamlScalarNode)k).Value!, (v as YamlScalarNode)?.Value ?? "");
    }

    /// <summary>All settings as snake_case key → invariant string (for args.yaml).</summary>
    public static IEnumerable<KeyValuePair<string, string>> ToPairs<T>(T options) where T : class
        => typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => new KeyValuePair<string, string>(ToSnake(p.Name), Format(p.GetValue(options))));

    private static string Format(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static Dictionary<string, PropertyInfo> Properties<T>()
        => typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .ToDictionary(p => p.Name.ToLowerInvariant(), p => p);

    private static string Normalize(string key) => key.TrimStart('-').Replace("_", "").Replace("-", "").ToLowerInvariant();

    public static string ToSnake(string pascal)
        => string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static object? Parse(Type type, string value, string key)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (Nullable.GetUnderlyingType(type) is not null || !type.IsValueType)
            if (value is "null" or "None" || (value == "" && t != typeof(string))) return null;
        try
        {
            if (t == typeof(bool)) return value.ToLowerInvariant() switch { "true" or "1" or "yes" => true, "false" or "0" or "no" => false, _ => throw new FormatException() };
            if (t == typeof(int)) return int.Parse(value, CultureInfo.InvariantCulture);
            if (t == typeof(double)) return double.Parse(value, CultureInfo.InvariantCulture);
            if (t == typeof(string)) return value;
        }
        catch (FormatException) { }
        throw new ArgumentException($"setting '{key}': '{value}' is not a valid {t.Name.ToLowerInvariant()}");
    }
}
