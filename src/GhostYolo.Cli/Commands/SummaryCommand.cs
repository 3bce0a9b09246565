using System.CommandLine;
using GhostYolo.Benchmarks;
using GhostYolo.Nn.Profiling;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary><c>ghostyolo summary MODEL</c>: renders a <see cref="SummaryTask"/> — the per-layer table and ultralytics' closing summary line.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Model YAML (path or name such as yolov8s.yaml) or checkpoint (.gyt, ultralytics/yolov5 .pt, .safetensors)" };
        var nc = CommonOptions.Nc();
        var imgsz = CommonOptions.ImgSz();
        var fused = new Option<bool>("--fused") { Description = "Fold BatchNorm into convs before counting (as after training)" };
        var verbose = new Option<bool>("--verbose") { Description = "Also list every parameter tensor" };
        var leaves = new Option<bool>("--leaf-layers") { Description = "Count layers as unique leaf modules (ultralytics ≥ 8.3) instead of all modules (8.0–8.2)" };
        var cmd = new Command("summary", "Print a model's layers, parameters and GFLOPs") { model, nc, imgsz, fused, verbose, leaves };
        cmd.SetAction(r =>
        {
            var summary = new SummaryTask(new SummaryTaskOptions(r.GetValue(model)!, r.GetValue(nc), r.GetValue(imgsz), r.GetValue(fused),
                r.GetValue(leaves) ? LayerRule.Leaves : LayerRule.Modules)).Run();
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("", "from", "n", "params", "module", "arguments");
            foreach (var row in summary.Layers)
                table.AddRow(row.Index.ToString(), Markup.Escape(row.From), row.Repeats.ToString(), row.Parameters.ToString("N0"), Markup.Escape(row.Module), Markup.Escape(row.Arguments));
            table.Columns[3].RightAligned();
            AnsiConsole.Write(table);
            if (r.GetValue(verbose))
                foreach (var p in summary.Parameters)
                    Console.WriteLine($"{p.Name,-50} {p.RequiresGrad,6} {p.Count,10:N0} [{string.Join(", ", p.Shape)}]");
            Console.WriteLine(summary.Profile.SummaryLine);
            return 0;
        });
        return cmd;
    }
}
