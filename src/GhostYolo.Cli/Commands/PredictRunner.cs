using System.Globalization;
using GhostYolo.Engine;
using GhostYolo.Engine.Sources;
using GhostYolo.Tasks;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// Runs a <see cref="PredictTask"/> for <c>detect</c>, <c>track</c> and the demo and renders it: the engine lines, a line per
/// image (about one per second of footage for videos; a live bar for a single video on an interactive terminal), the
/// closing speed summary and, when tracking, the track report. Ctrl+C stops after the current frame (exit code 130).
/// </summary>
internal static class PredictRunner
{
    public static int Run(PredictTask task, TrackRequest? track)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        PredictResult result;
        IReadOnlyList<string> names = [];
        LiveBar? bar = null;
        try
        {
            void Render(PredictEvent e)
            {
                switch (e)
                {
                    case PredictStarted s:
                        names = s.Names;
                        Started(s);
                        if (s.SingleVideo && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
                            bar = LiveBar.Start(Path.GetFileName(task.Options.Source));
                        break;
                    case FramePredicted { Frame: var r }:
                        if (bar is not null) bar.Update(r, names);
                        else if (ShouldLog(r)) Console.WriteLine(r.LogLine(names));
                        break;
                }
            }
            try { result = task.Run(new SyncProgress<PredictEvent>(Render), cts.Token); }
            finally { bar?.Dispose(); }
        }
        finally { Console.CancelKeyPress -= onCancel; }
        Finished(result, task.Options.Predict.SaveTxt, track, names);
        return result.Interrupted ? 130 : 0;
    }

    private static void Started(PredictStarted s)
    {
        if (s.Int8 is { } int8) Int8Arguments.Print(int8);
        if (s.Precision != s.RequestedPrecision && s.RequestedPrecision == Nn.Precision.Bf16) AnsiConsole.MarkupLine("[yellow]warning:[/] this CPU has no native bf16 (AVX-512 BF16 / AMX); running fp32");
        if (s.Note is { } note) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        AnsiConsole.MarkupLine($"[grey]{(s.Runtime == InferenceRuntime.Onnx ? "ONNX Runtime" : "libtorch")}, {s.Precision.ToString().ToLowerInvariant()}, {s.Threads} thread(s)[/]");
        if (s.DisplayUnavailable is { } why) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(why)}");
    }

    private static void Finished(PredictResult r, bool saveTxt, TrackRequest? track, IReadOnlyList<string> names)
    {
        double seconds = r.Elapsed.TotalSeconds;
        if (r.Interrupted) AnsiConsole.MarkupLine($"[yellow]interrupted[/] after {r.Frames} frames; everything written so far is complete and playable");
        if (r.Frames > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Speed: {r.Speed.PreprocessMs:F1}ms preprocess, {r.Speed.InferenceMs:F1}ms inference, {r.Speed.PostprocessMs:F1}ms postprocess per image at shape ({r.LastBatch}, 3, {r.LastShape.H}, {r.LastShape.W})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Frames} frames in {seconds:F1}s: {r.Frames / seconds:F1} FPS end-to-end"));
        }
        foreach (var (path, frames) in r.Videos) Console.WriteLine($"{path}: {frames} frames");
        Console.WriteLine($"Results saved to {r.SaveDir}");
        if (saveTxt) Console.WriteLine($"{r.LabelsWritten} label{(r.LabelsWritten == 1 ? "" : "s")} saved to {Path.Combine(r.SaveDir, "labels")}");
        if (r.Track is { } t && track is not null) TrackArguments.Report(t, track, names);
    }

    /// <summary>Every image; for videos and streams about one line per second of footage, plus the last frame.</summary>
    private static bool ShouldLog(FrameResult r)
    {
        if (r.Kind == SourceKind.Image) return true;
        int every = Math.Max(1, (int)Math.Round(r.Fps));
        return r.FrameIndex % every == 0 || r.FrameIndex + 1 == r.FrameCount;
    }

    /// <summary>Spectre's live progress bar for one video. Spectre renders a live display from a callback it blocks in, so the
    /// bar lives on its own thread while the task reports frames from the calling thread.</summary>
    private sealed class LiveBar : IDisposable
    {
        private readonly ManualResetEventSlim _ready = new(), _done = new();
        private ProgressTask? _task;
        private Task? _display;

        public static LiveBar Start(string title)
        {
            var bar = new LiveBar();
            bar._display = Task.Run(() => AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    bar._task = ctx.AddTask(title);
                    bar._ready.Set();
                    bar._done.Wait();
                    ctx.Refresh();
                }));
            while (!bar._ready.Wait(50))
                if (bar._display.IsCompleted) bar._display.GetAwaiter().GetResult();   // Spectre failed before the bar existed
            return bar;
        }

        public void Update(FrameResult r, IReadOnlyList<string> names)
        {
            if (r.FrameCount is { } n) _task!.MaxValue = n;
            _task!.Value = r.FrameIndex + 1;
            _task.Description = Markup.Escape($"frame {r.FrameIndex + 1}/{r.FrameCount?.ToString(CultureInfo.InvariantCulture) ?? "?"} {r.Summary(names)} | " +
                string.Create(CultureInfo.InvariantCulture, $"{r.Timings.PreprocessMs:F1}/{r.Timings.InferenceMs:F1}/{r.Timings.PostprocessMs:F1} ms pre/inf/post"));
        }

        public void Dispose()
        {
            _done.Set();
            _display?.GetAwaiter().GetResult();
            _ready.Dispose();
            _done.Dispose();
        }
    }
}
