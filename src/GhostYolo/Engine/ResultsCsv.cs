using System.Globalization;

namespace GhostYolo.Engine;

/// <summary>ultralytics' <c>results.csv</c>: right-aligned %23s headers, %23.5g values, epoch 1-based.</summary>
internal sealed class ResultsCsv
{
    /// <param name="keepEpochs">When appending (a resumed run): keep only the rows of epochs up to this one, the epochs its
    /// checkpoint holds. A run killed after writing a row but before saving that epoch's checkpoint, or in the middle of a
    /// row, would otherwise get a duplicated or broken row.</param>
    public ResultsCsv(string path, IReadOnlyList<string> lossNames, bool append = false, int? keepEpochs = null)
    {
        Path = path;
        Columns = ["epoch", .. lossNames.Select(n => "train/" + n), "metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)",
            "metrics/mAP50-95(B)", .. lossNames.Select(n => "val/" + n), "lr/pg0", "lr/pg1", "lr/pg2"];
        var header = string.Join(",", Columns.Select(c => $"{c,23}"));
        if (!append || !File.Exists(path)) File.WriteAllText(path, header + "\n");
        else if (keepEpochs is int keep)
        {
            var rows = File.ReadAllLines(path).Skip(1).Where(line =>
            {
                var cells = line.Split(',');
                return cells.Length == Columns.Count && cells.All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                       && double.Parse(cells[0], CultureInfo.InvariantCulture) <= keep;
            });
            var tmp = path + ".tmp";
            File.WriteAllLines(tmp, [header, .. rows]);
            File.Move(tmp, path, overwrite: true);
        }
    }

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }

    public void Append(int epoch, double[] trainLoss, ValResult? val, double[] lrs)
    {
        var m = val?.Metrics;
        double[] values = [epoch, .. trainLoss.Select(v => Math.Round(v, 5)),
            m?.Precision ?? 0, m?.Recall ?? 0, m?.Map50 ?? 0, m?.Map ?? 0,
            .. (val?.Loss ?? new double[trainLoss.Length]).Select(v => Math.Round(v, 5)), .. lrs];
        File.AppendAllText(Path, string.Join(",", values.Select(v => $"{G5(v),23}")) + "\n");
    }

    /// <summary>Reads the file back: column name → values.</summary>
    public static Dictionary<string, List<double>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var result = header.ToDictionary(h => h, _ => new List<double>());
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            for (int i = 0; i < header.Length && i < cells.Length; i++)
                result[header[i]].Add(double.Parse(cells[i], CultureInfo.InvariantCulture));
        }
        return result;
    }

    /// <summary>Python's <c>%.5g</c>.</summary>
    private static string G5(double v)
    {
        var s = v.ToString("G5", CultureInfo.InvariantCulture);
        return s.Contains('E') ? v.ToString("0.####e+00", CultureInfo.InvariantCulture) : s;
    }
}
