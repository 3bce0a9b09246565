using System.CommandLine;
using GhostYolo.Engine;
using GhostYolo.Onnx.Quantization;

namespace GhostYolo.Cli.Commands;

/// <summary>The calibration options of <c>--precision int8</c> (val, detect, compare, benchmark, export --int8) and the
/// report lines they print.</summary>
internal sealed class Int8Arguments
{
    private readonly Option<int> _calib = new("--calib") { Description = "int8: training images to calibrate on", DefaultValueFactory = _ => new Int8Options().Calib };
    private readonly Option<string> _method = new("--calib-method") { Description = "int8: auto (best on a held-out training slice), minmax or percentile", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _maxFloat = new("--max-float-convs") { Description = "int8: at most this many of the most sensitive convolutions stay float (0: all int8)", DefaultValueFactory = _ => new Int8Options().MaxFloatConvs };
    private readonly Option<bool> _recalibrate = new("--recalibrate") { Description = "int8: ignore the calibration cached beside the checkpoint" };

    public Int8Arguments(Command cmd)
    {
        cmd.Options.Add(_calib);
        cmd.Options.Add(_method);
        cmd.Options.Add(_maxFloat);
        cmd.Options.Add(_recalibrate);
    }

    public Int8Options Parse(ParseResult r, string? data) => new()
    {
        Data = data,
        Calib = r.GetValue(_calib) is int c && c > 0 ? c : throw new ArgumentException($"--calib {r.GetValue(_calib)} must be at least 1"),
        Method = r.GetValue(_method)!.Trim().ToLowerInvariant() switch
        {
            "auto" => null,
            "minmax" or "min-max" or "max" => CalibrationMethod.MinMax,
            "percentile" => CalibrationMethod.Percentile,
            var m => throw new ArgumentException($"--calib-method '{m}' is not valid; use auto, minmax or percentile"),
        },
        Recalibrate = r.GetValue(_recalibrate),
        MaxFloatConvs = r.GetValue(_maxFloat) is int f && f >= 0 ? f : throw new ArgumentException($"--max-float-convs {r.GetValue(_maxFloat)} must be at least 0"),
    };

    /// <summary>The summary line, the most sensitive convolutions, and the warning when the held-out loss is too large.</summary>
    public static void Print(Int8Report report, double warnLoss = 0.01)
    {
        Console.WriteLine(report.Summary);
        if (!report.FromCache && report.Sensitivity.Count > 0)
            Console.WriteLine("int8 most sensitive convolutions (held-out error removed when float): " +
                string.Join("; ", report.Sensitivity.Take(5).Select(s => $"#{s.Conv} {s.Shape} {s.ErrorReduction:G3}")));
        if (report.Loss > warnLoss)
            Console.WriteLine($"WARNING int8 loses {report.Loss:F4} mAP50-95 on the held-out training slice (more than {warnLoss}); consider fp32 or bf16");
    }
}
