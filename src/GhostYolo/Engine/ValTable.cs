using System.Globalization;
using GhostYolo.Metrics;

namespace GhostYolo.Engine;

/// <summary>ultralytics' validation table: a header, the <c>all</c> row, then one row per class (<c>%22s%11i%11i%11.3g…</c>).</summary>
internal static class ValTable
{
    public static string Header => $"{"Class",22}{"Images",11}{"Instances",11}{"Box(P",11}{"R",11}{"mAP50",11}{"mAP50-95)",11}";

    public static IEnumerable<string> Rows(DetectionMetricsResult m, IReadOnlyList<string> names, bool perClass = true)
    {
        yield return Row("all", m.Images, m.Instances, m.Precision, m.Recall, m.Map50, m.Map);
        if (!perClass || names.Count <= 1) yield break;
        foreach (var c in m.PerClass)
            yield return Row(c.Class < names.Count ? names[c.Class] : c.Class.ToString(CultureInfo.InvariantCulture), c.Images, c.Instances, c.P, c.R, c.Ap50, c.Ap);
    }

    private static string Row(string name, int images, int instances, double p, double r, double map50, double map)
        => $"{name,22}{images,11}{instances,11}{G3(p),11}{G3(r),11}{G3(map50),11}{G3(map),11}";

    /// <summary>Python's <c>%.3g</c>.</summary>
    public static string G3(double v)
    {
        if (v == 0) return "0";
        var s = v.ToString("G3", CultureInfo.InvariantCulture);
        return s.Contains('E') ? v.ToString("0.##e-00", CultureInfo.InvariantCulture) : s;
    }
}
