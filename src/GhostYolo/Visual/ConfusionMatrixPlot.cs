using System.Globalization;
using GhostYolo.Metrics;
using ScottPlot;

namespace GhostYolo.Visual;

/// <summary>
/// Confusion matrix heat map (ultralytics <c>ConfusionMatrix.plot</c>): "Blues" colour map, rows = Predicted,
/// columns = True, class names plus "background", counts (or column-normalised fractions) written in the cells when
/// there are fewer than 30 classes, cells below 0.005 left blank. Writes confusion_matrix.png /
/// confusion_matrix_normalized.png.
/// </summary>
internal static class ConfusionMatrixPlot
{
    /// <summary>Writes both the raw and the normalised image into <paramref name="directory"/>; returns the paths.</summary>
    public static IReadOnlyList<string> WriteBoth(string directory, ConfusionMatrix matrix, IReadOnlyList<string>? names = null)
    {
        Directory.CreateDirectory(directory);
        var raw = Path.Combine(directory, "confusion_matrix.png");
        var norm = Path.Combine(directory, "confusion_matrix_normalized.png");
        Write(raw, matrix, names, normalize: false);
        Write(norm, matrix, names, normalize: true);
        return [raw, norm];
    }

    /// <summary>Writes one heat map PNG.</summary>
    public static void Write(string path, ConfusionMatrix matrix, IReadOnlyList<string>? names = null, bool normalize = true,
        int width = 1200, int height = 900)
    {
        var data = normalize ? matrix.Normalized() : (double[,])matrix.Matrix.Clone();
        var n = matrix.Nc + 1;
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                if (data[r, c] < 0.005) data[r, c] = double.NaN;   // blank, as upstream

        var plot = new Plot();
        var max = 0.0;
        foreach (var v in data) if (!double.IsNaN(v)) max = Math.Max(max, v);
        var colormap = new ScottPlot.Colormaps.Blues();
        var fontSize = n <= 10 ? 16f : n <= 20 ? 11f : 8f;
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
            {
                var v = data[r, c];
                if (double.IsNaN(v)) continue;                        // blank cell
                var frac = max > 0 ? v / max : 0;
                var y = n - 1 - r;                                    // row 0 (first predicted class) at the top
                var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = colormap.GetColor(1 - 0.85 * frac);  // ScottPlot's Blues runs dark → light
                cell.LineWidth = 0;
                if (matrix.Nc >= 30) continue;                        // too many cells for numbers
                var label = plot.Add.Text(normalize ? v.ToString("F2", CultureInfo.InvariantCulture) : v.ToString("F0", CultureInfo.InvariantCulture), c, y);
                label.LabelFontSize = fontSize;
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontColor = frac > 0.5 ? Colors.White : Colors.Black;
            }

        var labels = Enumerable.Range(0, n).Select(i => i == matrix.Nc ? "background" : Charts.Name(names, i)).ToArray();
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        if (matrix.Nc < 30)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                positions.Select(p => n - 1 - p).ToArray(), labels);
            if (n > 8)
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
                plot.Axes.Bottom.MinimumSize = 120;
            }
        }
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Grid.IsVisible = false;
        plot.XLabel("True");
        plot.YLabel("Predicted");
        plot.Title(normalize ? "Confusion Matrix Normalized" : "Confusion Matrix");
        plot.SavePng(path, width, height);
    }
}
