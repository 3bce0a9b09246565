
namespace GhostYolo.Benchmarks;

/// <summary>GFLOPs against measured latency, one point per model (per thread count, precision and runtime) — why fewer FLOPs is not always faster.</summary>
internal static class BenchmarkPlot
{
    public static void Save(string path, IReadOnlyList<ForwardRow> rows)
    {
        var plot = new ScottPlot.Plot();
        // Reference rows (benchmark --baseline) have no GFLOPs count, so no place on this plot.
        foreach (var group in rows.Where(r => double.IsFinite(r.GFlops)).GroupBy(r => (r.Threads, r.Precision, r.Runtime)))
        {
            var pts = group.ToList();
            var scatter = plot.Add.ScatterPoints(pts.Select(p => p.GFlops).ToArray(), pts.Select(p => p.Latency.MedianMs).ToArray());
            scatter.LegendText = $"{group.Key.Threads} thread{(group.Key.Threads > 1 ? "s" : "")}, {group.Key.Precision.ToString().ToLowerInvariant()}, {group.Key.Runtime.ToString().ToLowerInvariant()}";
            scatter.MarkerSize = 9;
            foreach (var p in pts)
            {
                var label = plot.Add.Text(p.Model, p.GFlops, p.Latency.MedianMs);
                label.LabelFontSize = 10;
            }
        }
        plot.XLabel("GFLOPs at the benchmark image size");
        plot.YLabel("latency, ms (batch 1, median)");
        plot.Title("GFLOPs vs measured CPU latency");
        plot.ShowLegend();
        plot.SavePng(path, 1200, 800);
    }
}
