using System.Diagnostics;
using System.Globalization;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Engine.Sinks;
using GhostYolo.Engine.Sources;
using GhostYolo.Platform;
using GhostYolo.Tracking;
using GhostYolo.Tracking.Metrics;
using Microsoft.Extensions.Logging;

namespace GhostYolo.Tasks;

/// <summary>
/// Detection (and tracking) as a library task (ultralytics <c>yolo predict</c> / <c>yolo track</c>): opens the source
/// (images, folders, globs, lists, videos, webcams, streams), loads the model, streams every frame through the
/// <see cref="Predictor"/> (and a tracker) into the run folder's annotated media, labels and MOT files, and returns counts,
/// speeds and paths. The <c>detect</c> and <c>track</c> commands, the demo, the benchmarks and apps call this.
/// </summary>
public sealed class PredictTask
{
    /// <summary>The MOTChallenge result file in the run folder.</summary>
    public const string MotFile = "mot.txt";

    private readonly ILogger? logger;
    private readonly Predictor? predictor;

    /// <summary>A prediction task for <paramref name="options"/>; <paramref name="logger"/> receives what loading the model logs
    /// (int8 calibration, an input size rounded to the stride).</summary>
    public PredictTask(PredictTaskOptions options, ILogger? logger = null) { Options = options; this.logger = logger; }

    /// <summary>A task that runs on an already loaded <paramref name="predictor"/> (it stays the caller's); its options decide
    /// inference and what is written, <paramref name="options"/> the source and the run folder.</summary>
    internal PredictTask(PredictTaskOptions options, Predictor predictor) { Options = options; this.predictor = predictor; }

    /// <summary>The options this task runs with.</summary>
    public PredictTaskOptions Options { get; }

    /// <summary>
    /// Predicts every frame of the source; events arrive on the calling thread in order. Cancelling stops before the next
    /// frame, closes what was written (videos stay playable) and returns with <see cref="PredictResult.Interrupted"/> set.
    /// </summary>
    /// <exception cref="FileNotFoundException">The source names nothing (checked before the model loads).</exception>
    /// <exception cref="InvalidDataException">A video, webcam or stream that cannot be opened.</exception>
    /// <exception cref="ArgumentException">A bad device or option.</exception>
    public PredictResult Run(IProgress<PredictEvent>? progress = null, CancellationToken ct = default)
    {
        var o = Options;
        o.Predict.Validate();
        var names = o.Data is { } dataYaml ? DatasetDefinition.Load(dataYaml).Names : null;
        DeviceParser.Check(o.Predict.Device);   // a bad device is reported before the source is opened
        // Open the source before loading the model: a missing file or camera is reported at once.
        using var source = FrameSources.Open(o.Source, predictor?.Options.VidStride ?? o.Predict.VidStride);
        using var owned = predictor is null
            ? Predictor.Load(o.Model, o.Predict, logger, imgszFromModel: o.ImgszFromModel, nc: o.Nc, names: names, weights: o.Weights)
            : null;
        var p = predictor ?? owned!;
        var settings = p.Options;
        string saveDir = RunDirectory.Create(o.Predict.Project, o.Predict.Name, o.Predict.ExistOk);
        progress?.Report(new PredictStarted(saveDir, p.Names, p.Imgsz, p.Runner.Runtime, settings.Precision, p.ActualPrecision, GhostYoloRuntime.Threads,
            source is FileSource { Paths.Count: 1 } fs && ImageFiles.IsVideo(fs.Paths[0]))
        {
            Note = p.Runner.Note,
            DisplayUnavailable = settings.Show ? DisplayWindow.UnavailableReason : null,
            Int8 = p.Int8,
        });
        return Stream(p, source, saveDir, progress, ct);
    }

    /// <summary>The loop: predict (and track) each frame, hand it to the writer and the caller, close everything.</summary>
    private PredictResult Stream(Predictor p, IFrameSource source, string saveDir, IProgress<PredictEvent>? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var stats = new FrameStats();
        bool interrupted = false;
        var writer = new PredictionWriter(saveDir, p.Names, p.Options);
        StreamWriter? mot = null;
        TrackingSession? session = null;
        try
        {
            if (Options.Track is { } track)
            {
                mot = new StreamWriter(Path.Combine(saveDir, MotFile));
                session = new TrackingSession(track, mot);
            }
            var results = session is null ? p.Predict(source, ct) : session.Track(p.Predict(source, ct));
            foreach (var r in results)
            {
                stats.Add(r);
                writer.Post(r);
                progress?.Report(new FramePredicted(r));
            }
            writer.Complete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            interrupted = true;
        }
        finally
        {
            writer.Dispose();
            mot?.Dispose();
        }
        var elapsed = sw.Elapsed;
        var trackResult = session is null ? null : Finish(session, saveDir, p.Names, stats.Fps);
        return new PredictResult(saveDir, stats.Frames, stats.Detections, interrupted, elapsed, stats.Means, stats.LastBatch, stats.LastShape,
            writer.Videos, writer.ImagesWritten, writer.LabelsWritten, trackResult);
    }

    /// <summary>Writes <c>tracks.csv</c> beside <c>mot.txt</c> and, against a ground truth, <c>metrics.json</c>.</summary>
    private TrackResult Finish(TrackingSession session, string saveDir, IReadOnlyList<string> names, double fps)
    {
        var summaries = session.Summaries;
        string Name(int c) => c >= 0 && c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture);
        var csv = new List<string> { "id,class,first_frame,last_frame,frames,dwell_s" };
        csv.AddRange(summaries.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.TrackId},{Name(s.Class)},{s.FirstFrame},{s.LastFrame},{s.Frames},{s.DwellSeconds(fps):F2}")));
        var mot = Path.Combine(saveDir, MotFile);
        var tracksCsv = Path.Combine(saveDir, "tracks.csv");
        File.WriteAllLines(tracksCsv, csv);
        MotMetrics? metrics = null;
        string? json = null;
        if (Options.GroundTruth is { } gt)
        {
            metrics = MotEvaluator.EvaluateFiles(gt, mot);
            json = Path.Combine(saveDir, "metrics.json");
            File.WriteAllText(json, metrics.ToJson());
        }
        return new TrackResult(mot, tracksCsv, summaries, session.Crossings, session.CountIn, session.CountOut, fps, session.TrackerTime, json)
        {
            Metrics = metrics,
        };
    }

    /// <summary>Running sums for the result's speeds and counts.</summary>
    private sealed class FrameStats
    {
        public int Frames, Detections;
        public double Pre, Inf, Post;
        public int LastBatch = 1;
        public double Fps;
        public (int H, int W) LastShape;

        public FrameTimings Means => Frames == 0 ? default : new(Pre / Frames, Inf / Frames, Post / Frames);

        public void Add(FrameResult r)
        {
            Frames++;
            Detections += r.Detections.Count;
            Pre += r.Timings.PreprocessMs;
            Inf += r.Timings.InferenceMs;
            Post += r.Timings.PostprocessMs;
            LastBatch = r.BatchSize;
            LastShape = r.InputShape;
            if (r.Fps > 0) Fps = r.Fps;
        }
    }
}
