using GhostYolo.Metrics;
using ScottPlot;

namespace GhostYolo.Visual;

/// <summary>
/// Validation curves as PNG, in the look of ultralytics <c>metrics.plot_pr_curve</c> / <c>plot_mc_curve</c>:
/// thin per-class lines (when fewer than 21 classes, else grey), a thick blue mean line, legend at the right.
/// File names match ultralytics: PR_curve.png, F1_curve.png, P_curve.png, R_curve.png.
/// </summary>
internal static class Charts
{
    /// <summary>Default image size (ultralytics draws 9×6 inches; 1350×900 px keeps the same aspect).</summary>
    public const int DefaultWidth = 1350, DefaultHeight = 900;

    static readonly Color MeanColor = Color.FromHex("#0000FF");
    static readonly Color Grey = Color.FromHex("#808080");

    /// <summary>Writes the four curve images into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(string directory, ApResult result, IReadOnlyList<string>? names = null, string prefix = "")
    {
        Directory.CreateDirectory(directory);
        var pr = Path.Combine(directory, $"{prefix}PR_curve.png");
        var f1 = Path.Combine(directory, $"{prefix}F1_curve.png");
        var p = Path.Combine(directory, $"{prefix}P_curve.png");
        var r = Path.Combine(directory, $"{prefix}R_curve.png");
        PrCurve(pr, result, names);
        ConfidenceCurve(f1, result.Px, result.F1Curve, result.Classes, "F1", names);
        ConfidenceCurve(p, result.Px, result.PCurve, result.Classes, "Precision", names);
        ConfidenceCurve(r, result.Px, result.RCurve, result.Classes, "Recall", names);
        return [pr, f1, p, r];
    }

    /// <summary>Precision–recall curve per class at IoU 0.5 plus the class mean, legend "all classes 0.912 mAP@0.5".</summary>
    public static void PrCurve(string path, ApResult result, IReadOnlyList<string>? names = null,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        var plot = new Plot();
        var k = result.Classes.Length;
        var perClassLegend = k is > 0 and < 21;
        for (var i = 0; i < k; i++)
        {
            var line = plot.Add.ScatterLine(result.Px, result.PrCurve[i], perClassLegend ? null : Grey);
            line.LineWidth = 1;
            if (perClassLegend) line.LegendText = $"{Name(names, result.Classes[i])} {result.Ap[i][0]:F3}";
        }
        var mean = MeanOver(result.PrCurve, result.Px.Length);
        var map50 = k == 0 ? 0 : result.Ap.Average(a => a[0]);
        var meanLine = plot.Add.ScatterLine(result.Px, mean, MeanColor);
        meanLine.LineWidth = 3;
        meanLine.LegendText = $"all classes {map50:F3} mAP@0.5";
        Finish(plot, "Recall", "Precision", "Precision-Recall Curve");
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// A metric-vs-confidence curve (F1, Precision or Recall) per class plus the smoothed class mean
    /// (<c>smooth(mean, 0.05)</c>), legend "all classes 0.85 at 0.412".
    /// </summary>
    public static void ConfidenceCurve(string path, double[] px, double[][] curves, IReadOnlyList<int> classes, string yLabel,
        IReadOnlyList<string>? names = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        var plot = new Plot();
        var k = curves.Length;
        var perClassLegend = k is > 0 and < 21;
        for (var i = 0; i < k; i++)
        {
            var line = plot.Add.ScatterLine(px, curves[i], perClassLegend ? null : Grey);
            line.LineWidth = 1;
            if (perClassLegend) line.LegendText = Name(names, classes[i]);
        }
        var y = NumpyMath.Smooth(MeanOver(curves, px.Length), 0.05);
        var best = NumpyMath.ArgMax(y);
        var meanLine = plot.Add.ScatterLine(px, y, MeanColor);
        meanLine.LineWidth = 3;
        meanLine.LegendText = $"all classes {y[best]:F2} at {px[best]:F3}";
        Finish(plot, "Confidence", yLabel, $"{yLabel}-Confidence Curve");
        plot.SavePng(path, width, height);
    }

    static void Finish(Plot plot, string xLabel, string yLabel, string title)
    {
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Title(title);
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(Edge.Right);
    }

    static double[] MeanOver(double[][] curves, int n)
    {
        var mean = new double[n];
        if (curves.Length == 0) return mean;
        for (var j = 0; j < n; j++)
        {
            var s = 0.0;
            foreach (var c in curves) s += c[j];
            mean[j] = s / curves.Length;
        }
        return mean;
    }

    internal static string Name(IReadOnlyList<string>? names, int cls) =>
        names is not null && cls >= 0 && cls < names.Count ? names[cls] : cls.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
