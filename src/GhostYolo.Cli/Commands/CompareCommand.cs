using System.CommandLine;
using System.Globalization;
using GhostYolo.Benchmarks;
using GhostYolo.Nn;
using GhostYolo.Nn.Profiling;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary><c>ghostyolo compare MODEL...</c>: runs a <see cref="CompareTask"/> and renders its rows — layers, parameters,
/// gradients, GFLOPs, size, latency — as a table, markdown or CSV.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models") { Description = "Model YAMLs to compare", Arity = ArgumentArity.OneOrMore };
        var nc = CommonOptions.Nc();
        var imgsz = CommonOptions.ImgSz();
        var fused = new Option<bool>("--fused") { Description = "Fold BatchNorm into convs before counting" };
        var speed = new Option<bool>("--speed") { Description = "Also measure CPU latency (fused, batch 1, median after warm-up) and FPS" };
        var runs = new Option<int>("--runs") { Description = "Timed forward passes per model with --speed", DefaultValueFactory = _ => 20 };
        var macs = new Option<bool>("--macs") { Description = "Report raw multiply-accumulates (thop convention) at --imgsz instead of GFLOPs" };
        var paperMacs = new Option<bool>("--paper-macs") { Description = "With --macs: count convs and linears only, the GhostNet/FasterNet papers' convention (BN folded, pooling ignored)" };
        var format = new Option<string>("--format") { Description = "table, md or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "md", "csv");
        var threads = CommonOptions.Threads();
        var precision = new Option<string>("--precision") { Description = "With --speed: fp32, bf16 (bfloat16 where the CPU supports it) or int8 (ONNX Runtime, calibrated on --data)", DefaultValueFactory = _ => "fp32" };
        var data = new Option<string?>("--data") { Description = "With --precision int8: dataset YAML whose training images calibrate (default: a checkpoint's own)" };
        var runtime = CommonOptions.Runtime();
        var leaves = new Option<bool>("--leaf-layers") { Description = "Count layers as unique leaf modules (ultralytics ≥ 8.3)" };
        var cmd = new Command("compare", "Compare models: layers, parameters, GFLOPs, size and (with --speed) latency")
            { models, nc, imgsz, fused, speed, runs, macs, paperMacs, format, threads, leaves, precision, runtime, data };
        var int8Arguments = new Int8Arguments(cmd);
        cmd.SetAction(r =>
        {
            CommonOptions.ApplyThreads(r.GetValue(threads));
            var options = new ComparisonOptions(r.GetValue(imgsz), r.GetValue(nc), r.GetValue(fused), r.GetValue(speed), r.GetValue(runs),
                r.GetValue(macs), r.GetValue(leaves) ? LayerRule.Leaves : LayerRule.Modules, r.GetValue(paperMacs) ? MacConvention.Paper : MacConvention.Thop, Nn.PrecisionParser.Parse(r.GetValue(precision)!),
                Engine.InferenceRuntimeParser.Parse(r.GetValue(runtime)!)) { Int8 = int8Arguments.Parse(r, r.GetValue(data)) };
            var result = Run(r.GetValue(models)!, options);
            Console.Write(Render(result.Rows, options, r.GetValue(format)!));
            return 0;
        });
        return cmd;
    }

    /// <summary>Runs a <see cref="CompareTask"/> over <paramref name="models"/> and prints each row's warnings as the command always has.</summary>
    public static CompareResult Run(IReadOnlyList<string> models, ComparisonOptions o) =>
        new CompareTask(new CompareTaskOptions { Models = models, Measure = o }).Run(new SyncProgress<CompareEvent>(e =>
        {
            if (e is not ModelCompared { Row: var row }) return;
            if (row.PrecisionFellBack) Console.Error.WriteLine("WARNING this CPU has no native bf16 (AVX-512 BF16 / AMX); measuring fp32");
            if (row.Note is { } note) Console.Error.WriteLine($"{row.Profile.Name}: {note}");
        }));

    public static string Render(IReadOnlyList<CompareRow> rows, ComparisonOptions o, string format)
    {
        var header = new List<string> { "model", "layers", "parameters", "gradients", o.Macs ? "macs" : "gflops", "size_kb" };
        if (o.Speed) header.AddRange(["runtime", "latency_ms", "fps"]);
        var ci = CultureInfo.InvariantCulture;
        IEnumerable<string[]> Cells(bool csv) => rows.Select(r =>
        {
            var p = r.Profile;
            var cells = new List<string>
            {
                p.Name, p.Layers.ToString(ci),
                csv ? p.Parameters.ToString(ci) : p.Parameters.ToString("N0", ci),
                csv ? p.Gradients.ToString(ci) : p.Gradients.ToString("N0", ci),
                o.Macs ? (csv ? r.Macs!.Value.ToString("F0", ci) : r.Macs!.Value.ToString("N0", ci)) : p.GFlops.ToString(csv ? "F3" : "F1", ci),
                p.SizeKb.ToString("F0", ci),
            };
            if (r.Latency is { } l) cells.AddRange([r.Runtime.ToString()!.ToLowerInvariant() + (o.Precision == Nn.Precision.Fp32 ? "" : $" {o.Precision.ToString().ToLowerInvariant()}"),
                l.MedianMs.ToString("F1", ci), l.Fps.ToString("F1", ci)]);
            return cells.ToArray();
        });
        var sb = new System.Text.StringBuilder();
        switch (format)
        {
            case "csv":
                sb.AppendLine(string.Join(",", header));
                foreach (var c in Cells(true)) sb.AppendLine(string.Join(",", c.Select(x => x.Contains(',') ? $"\"{x}\"" : x)));
                break;
            case "md":
                sb.AppendLine("| " + string.Join(" | ", header) + " |");
                sb.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 ? "---|" : "---:|")));
                foreach (var c in Cells(false)) sb.AppendLine("| " + string.Join(" | ", c) + " |");
                break;
            default:
                // Plain fixed-width text: wide names never wrap, whatever the terminal (or a log file) is.
                var cells = Cells(false).ToList();
                var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
                string Line(IReadOnlyList<string> c) => string.Join("  ", c.Select((x, i) => i == 0 ? x.PadRight(widths[i]) : x.PadLeft(widths[i])));
                sb.AppendLine(Line(header));
                sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
                foreach (var c in cells) sb.AppendLine(Line(c));
                break;
        }
        return sb.ToString();
    }
}
