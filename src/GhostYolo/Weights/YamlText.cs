using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GhostYolo.Weights;

/// <summary>
/// Writes the model dict a checkpoint carries (ultralytics' and yolov5's <c>model.yaml</c>) back as YAML text that
/// <see cref="Nn.ModelDefinition.Parse"/> reads as if it were the original file. Names such as <c>nc</c>,
/// <c>anchors</c> or <c>nearest</c> stay plain scalars, because the model parsers resolve bare names.
/// </summary>
internal static partial class YamlText
{
    public static string FromDict(IDictionary dict)
    {
        var sb = new StringBuilder();
        foreach (DictionaryEntry e in dict)
        {
            var key = Convert.ToString(e.Key, CultureInfo.InvariantCulture)!;
            switch (e.Value)
            {
                case IDictionary map:
                    sb.Append(key).Append(":\n");
                    foreach (DictionaryEntry m in map)
                        sb.Append("  ").Append(Scalar(m.Key)).Append(": ").Append(Flow(m.Value)).Append('\n');
                    break;
                case IList list when list.Count > 0 && list[0] is IList:
                    sb.Append(key).Append(":\n");
                    foreach (var row in list) sb.Append("  - ").Append(Flow(row)).Append('\n');
                    break;
                default:
                    sb.Append(key).Append(": ").Append(Flow(e.Value)).Append('\n');
                    break;
            }
        }
        return sb.ToString();
    }

    private static string Flow(object? v) => v switch
    {
        IDictionary map => "{" + string.Join(", ", map.Cast<DictionaryEntry>().Select(e => Scalar(e.Key) + ": " + Flow(e.Value))) + "}",
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(Flow)) + "]",
        _ => Scalar(v),
    };

    private static string Scalar(object? v) => v switch
    {
        null => "null",
        bool b => b ? "True" : "False",
        string s => Bare().IsMatch(s) ? s : "'" + s.Replace("'", "''") + "'",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => "'" + v + "'",
    };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]*$")]
    private static partial Regex Bare();
}
