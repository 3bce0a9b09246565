using System.Globalization;
using GhostYolo.Engine;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>Turns training events into console output in ultralytics' format.</summary>
public sealed class TrainRenderer
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private IReadOnlyList<string> _lossNames = ["box_loss", "cls_loss", "dfl_loss"];
    private DateTime _lastLine = DateTime.MinValue;

    public void Render(TrainEvent e)
    {
        switch (e)
        {
            case TrainStarted s:
                Console.WriteLine(s.ModelSummary);
                if (s.Transfer is { } t)
                {
                    Console.WriteLine($"Transferred {t.UltralyticsTransferred}/{t.UltralyticsTotal} items from pretrained weights");
                    foreach (var (name, reason) in t.Skipped.Take(20)) Console.WriteLine($"  skipped {name}: {reason}");
                    if (t.Skipped.Count > 20) Console.WriteLine($"  … and {t.Skipped.Count - 20} more");
                }
                if (s.ResumedFrom is not null) Console.WriteLine($"Resuming training from {s.ResumedFrom} from epoch {s.StartEpoch + 1} to {s.Epochs} total epochs");
                Console.WriteLine($"train: {s.TrainImages} images, val: {s.ValImages} images");
                Console.WriteLine($"Image sizes {s.ImgSz} train, {s.ImgSz} val");
                Console.WriteLine($"Logging results to {s.SaveDir}");
                Console.WriteLine($"Starting training for {s.Epochs} epochs...");
                _lossNames = s.LossNames;
                Console.WriteLine();
                Console.WriteLine(string.Concat(new[] { "Epoch", "GPU_mem" }.Concat(_lossNames).Concat(["Instances", "Size"]).Select(h => $"{h,11}")));
                break;
            case BatchEnded b:
                var line = string.Concat($"{b.Epoch + 1}/{b.Epochs}".PadLeft(11), "0G".PadLeft(11),
                    string.Concat(b.Loss.Select(l => $"{l.ToString("0.####", CultureInfo.InvariantCulture),11}")), $"{b.Instances,11}{b.Size,11}");
                var tail = $" {b.Batch}/{b.Batches} {b.ImagesPerSecond:F1} img/s ETA {b.EpochEta:mm\\:ss}";
                if (_interactive) Console.Write("\r" + line + tail + "   ");
                else if (b.Batch == b.Batches || DateTime.UtcNow - _lastLine > TimeSpan.FromSeconds(10))
                {
                    Console.WriteLine(line + tail);
                    _lastLine = DateTime.UtcNow;
                }
                if (_interactive && b.Batch == b.Batches) Console.WriteLine();
                break;
            case ValidationProgress v when _interactive:
                Console.Write($"\r{"",22} validating {v.Batch}/{v.Batches}   ");
                if (v.Batch == v.Batches) Console.Write("\r" + new string(' ', 50) + "\r");
                break;
            case EpochEnded ep:
                if (ep.Val is { } val)
                {
                    Console.WriteLine(ValTable.Header);
                    foreach (var row in ValTable.Rows(val.Metrics, val.Names, perClass: false)) Console.WriteLine(row);
                }
                Console.WriteLine($"{"",22} epoch {ep.Epoch + 1} in {ep.Duration.TotalSeconds:F0}s, fitness {ep.Fitness:F4}{(ep.IsBest ? " (best)" : "")}, RSS {ep.RssMb:F0} MB (peak {ep.PeakRssMb:F0} MB)");
                Console.WriteLine();
                break;
            case TrainNote n:
                Console.WriteLine(n.Message);
                break;
            case TrainFinished f:
                Console.WriteLine();
                Console.WriteLine($"{f.EpochsCompleted} epochs completed in {f.Elapsed.TotalHours:F3} hours.");
                if (f.Best is not null) Console.WriteLine($"Optimizer stripped from {f.Last}\nOptimizer stripped from {f.Best}");
                if (f.Final is { } fin)
                {
                    Console.WriteLine($"\nValidating {f.Best}...");
                    Console.WriteLine(ValTable.Header);
                    foreach (var row in ValTable.Rows(fin.Metrics, fin.Names)) Console.WriteLine(row);
                    Console.WriteLine(fin.Speed.Line);
                }
                Console.WriteLine($"Results saved to {f.SaveDir}");
                break;
        }
    }
}
