using GhostYolo.Engine;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>Runs a <see cref="Trainer"/> and renders its events: ultralytics-style lines, a live bar when interactive.</summary>
public static class TrainRunner
{
    public static int Run(TrainOptions options, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); AnsiConsole.MarkupLine("[yellow]Stopping after the current batch…[/]"); };
        Console.CancelKeyPress += onCancel;
        CommonOptions.ApplyThreads(options.Threads);
        try
        {
            var renderer = new TrainRenderer();
            var result = new Trainer(new ConsoleLogger()).Train(options, new SyncProgress<TrainEvent>(renderer.Render), cts.Token);
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
