using System.Diagnostics;
using GhostYolo.Platform;
using GhostYolo.Engine;
using GhostYolo.Tracking;
using static TorchSharp.torch;

namespace GhostYolo.Benchmarks;

/// <summary>One pipeline variant's speed: detect alone, or detect + a tracker.</summary>
internal sealed record TrackBenchmarkRow(string Model, string Tracker, int Threads, int Frames, double DetectionsPerFrame, double EndToEndFps, double TrackerMsPerFrame)
{
    /// <summary>The tracker's own time per frame relative to detect alone's end-to-end time per frame (0.03 = 3 % more).
    /// Measured inside the tracker: on shared cores the difference of two end-to-end rates is mostly noise.</summary>
    public double Overhead { get; init; }
}

/// <summary>A long stream's resident memory, sampled while tracking (the tracker must not grow with the stream).</summary>
internal sealed record TrackMemoryRow(string Model, string Tracker, int Frames, long RssAt1kMb, long RssAtEndMb, int Tracks)
{
    public double Growth => (double)RssAtEndMb / RssAt1kMb - 1;
}

/// <summary>
/// What tracking costs on the detect pipeline (<c>benchmark --what track</c>): the same video through detect alone,
/// detect + ByteTrack and detect + BoT-SORT, interleaved over several rounds (medians), plus the tracker's own time per
/// frame, which is steadier than a difference of two noisy end-to-end figures. <see cref="Memory"/> runs a long stream.
/// </summary>
internal static class TrackBenchmark
{
    public static IReadOnlyList<TrackBenchmarkRow> Run(string model, string video, int threads, int imgsz = 640, int rounds = 3,
        int nc = 4, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        using var _ = GhostYoloRuntime.UseThreads(threads);
        var loaded = ModelLoader.Load(model, CPU, nc);
        using var predictor = new Predictor(loaded, new PredictOptions { Imgsz = imgsz, Conf = 0.1 });
        var dir = Directory.CreateTempSubdirectory("ghostyolo-track-bench-").FullName;
        try
        {
            DetectBenchmark.EndToEnd(model, predictor, video, dir, ct);   // warm-up
            var variants = new (string Name, TrackerOptions? Options)[] { ("none", null), ("bytetrack", TrackerOptions.ByteTrack), ("botsort", TrackerOptions.BotSort) };
            var fps = variants.ToDictionary(v => v.Name, _ => new List<double>());
            var trackerMs = variants.ToDictionary(v => v.Name, _ => new List<double>());
            int frames = 0;
            double dets = 0;
            for (int r = 0; r < rounds; r++)
                foreach (var (name, options) in r % 2 == 0 ? variants : variants.Reverse())
                {
                    var e = DetectBenchmark.EndToEnd(model, predictor, video, dir, ct, options is null ? null : new TrackOptions { Tracker = options });
                    fps[name].Add(e.Fps);
                    trackerMs[name].Add(e.Track is { } t ? t.TrackerTime.TotalMilliseconds / Math.Max(e.Frames, 1) : 0);
                    (frames, dets) = (e.Frames, e.DetsPerFrame);
                    progress?.Report($"{model} {name} threads {threads} round {r + 1}/{rounds}: {e.Fps:F1} FPS");
                }
            double baseFps = DetectBenchmark.Median(fps["none"]);
            return variants.Select(v => new TrackBenchmarkRow(model, v.Name, threads, frames, dets, DetectBenchmark.Median(fps[v.Name]), DetectBenchmark.Median(trackerMs[v.Name]))
            {
                Overhead = DetectBenchmark.Median(trackerMs[v.Name]) / (1000 / baseFps),
            }).ToList();
        }
        finally
        {
            loaded.Model.Dispose();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>Tracks <paramref name="frames"/> frames of <paramref name="video"/>, played in a loop, without writing
    /// video; resident memory at frame 1,000 and at the end.</summary>
    public static TrackMemoryRow Memory(string model, string video, int frames = 10_000, int imgsz = 320, int nc = 4, TrackerOptions? tracker = null,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var loaded = ModelLoader.Load(model, CPU, nc);
        using var predictor = new Predictor(loaded, new PredictOptions { Imgsz = imgsz, Conf = 0.1 });
        var options = tracker ?? TrackerOptions.ByteTrack;
        var session = new TrackingSession(new TrackOptions { Tracker = options, Trails = 30 }, TextWriter.Null);
        int n = 0;
        long at1k = 0;
        try
        {
            while (n < frames)
                foreach (var r in session.Track(predictor.Predict(video, ct)))
                {
                    if (++n == 1000) at1k = Rss();
                    if (n % 1000 == 0) progress?.Report($"{n} frames, RSS {Rss()} MB");
                    if (n >= frames) break;
                }
            return new TrackMemoryRow(model, options.TrackerType.ToString(), n, at1k, Rss(), session.Summaries.Count);
        }
        finally
        {
            loaded.Model.Dispose();
        }
    }

    private static long Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64 / (1 << 20);
    }
}
