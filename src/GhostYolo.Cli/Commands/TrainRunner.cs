using GhostYolo.Engine;
using GhostYolo.Tasks;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>Runs a <see cref="TrainTask"/> and renders its events: ultralytics-style lines, a live bar when interactive.</summary>
public static class TrainRunner
{
    /// <param name="stepLog">Optional JSON-lines file: one line per training batch with the lr and momentum of each parameter group
    /// the batch ran with, its instances and the epoch's running-mean losses (for step-by-step comparisons with the reference trainers).</param>
    public static int Run(TrainTask task, CancellationToken ct, string? stepLog = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); AnsiConsole.MarkupLine("[yellow]Stopping after the current batch…[/]"); };
        Console.CancelKeyPress += onCancel;
        CommonOptions.ApplyThreads(task.Options.Threads);
        try
        {
            var renderer = new TrainRenderer();
            using var log = stepLog is null ? null : new StepLog(stepLog);
            void Render(TrainEvent e)
            {
                if (e is BatchEnded b) log?.Write(b);
                renderer.Render(e);
            }
            var result = task.Run(new SyncProgress<TrainEvent>(Render), cts.Token);
            return result.Interrupted ? 130 : 0;
        }
        finally { Console.CancelKeyPress -= onCancel; }
    }
}

/// <summary>Synchronous IProgress (System.Progress posts to the thread pool and would reorder lines).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
