using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Platform;

namespace GhostYolo.Benchmarks;

/// <summary>What <see cref="BenchmarkTask"/> measures; defaults equal <c>ghostyolo benchmark</c>'s.</summary>
internal sealed record BenchmarkTaskOptions
{
    /// <summary>YOLOv8n, its Ghost / GhostV2 / G-Ghost / FasterNet variants and YOLOv5n.</summary>
    public static readonly IReadOnlyList<string> DefaultModels =
    [
        "yolov8n.yaml", "yolov8n-C2f-GhostBottleneck.yaml", "yolov8n-C2f-GhostBottleneckV2.yaml", "yolov8n-C2f-g_ghostBottleneck.yaml",
        "yolov8n-C2f-Faster.yaml", "yolov8n-fasternet.yaml", "yolov5n.yaml",
    ];

    public IReadOnlyList<string> Models { get; init; } = DefaultModels;
    /// <summary>forward, train, loader, load, track, track-memory, detect.</summary>
    public IReadOnlySet<string> What { get; init; } = new HashSet<string> { "forward" };
    public int Imgsz { get; init; } = 640;
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];
    public IReadOnlyList<Precision> Precisions { get; init; } = [Precision.Fp32, Precision.Bf16];
    public IReadOnlyList<InferenceRuntime> Runtimes { get; init; } = [InferenceRuntime.Auto];
    /// <summary>Batch of the forward latency and the detect pipeline.</summary>
    public int Batch { get; init; } = 1;
    /// <summary>Timed passes per forward measurement.</summary>
    public int Runs { get; init; } = 20;
    public int TrainImgsz { get; init; } = 320;
    public int TrainBatch { get; init; } = 16;
    /// <summary>Loader workers of the timed training epoch; null: the trainer's default.</summary>
    public int? Workers { get; init; }
    /// <summary>int8: the calibration images' dataset; train: the timed epoch's dataset (null: a generated shapes set).</summary>
    public string? Data { get; init; }
    /// <summary>detect: the trained checkpoint to run; null: <see cref="Models"/>.</summary>
    public string? DetectModel { get; init; }
    /// <summary>detect: the video; null: datasets/shapes/video.mp4, generated when missing.</summary>
    public string? Video { get; init; }
    /// <summary>TorchScript detectors timed as reference rows of the forward table.</summary>
    public IReadOnlyList<string> Baselines { get; init; } = [];
    public Int8Options? Int8 { get; init; }
    /// <summary>Where the GFLOPs-vs-latency plot of the forward rows goes; null: none.</summary>
    public string? Plot { get; init; }
}

/// <summary>Progress of a <see cref="BenchmarkTask"/>: notes and each table's rows as soon as they are measured.</summary>
internal abstract record BenchmarkEvent;
internal sealed record BenchmarkNote(string Message) : BenchmarkEvent;
internal sealed record ForwardMeasured(IReadOnlyList<ForwardRow> Rows) : BenchmarkEvent;
internal sealed record TrainMeasured(IReadOnlyList<TrainRow> Rows) : BenchmarkEvent;
internal sealed record TrainBreakdownMeasured(TrainBreakdown Breakdown, string Data) : BenchmarkEvent;
internal sealed record LoaderMeasured(IReadOnlyList<LoaderBenchmarkRow> Rows) : BenchmarkEvent;
internal sealed record LoadMeasured(IReadOnlyList<LoadRow> Rows) : BenchmarkEvent;
internal sealed record TrackMeasured(string Video, IReadOnlyList<TrackBenchmarkRow> Rows) : BenchmarkEvent;
internal sealed record TrackMemoryMeasured(IReadOnlyList<TrackMemoryRow> Rows) : BenchmarkEvent;
internal sealed record DetectMeasured(string Video, IReadOnlyList<DetectBenchmarkResult> Rows) : BenchmarkEvent;

/// <summary>Every table measured, in the order they were.</summary>
internal sealed record BenchmarkResult(IReadOnlyList<BenchmarkEvent> Tables);

/// <summary>
/// Speed on this machine as a task (<c>ghostyolo benchmark</c>): forward latency per model × threads × precision × engine,
/// training throughput and where a real epoch's time goes, loader throughput, model load time, the detect pipeline
/// against the bare forward pass (through <see cref="Tasks.PredictTask"/>), and tracking's cost and memory. Internal: its
/// rows are the benchmark classes' own and only the command renders them; apps time their own workloads.
/// </summary>
internal sealed class BenchmarkTask(BenchmarkTaskOptions options)
{
    public BenchmarkTaskOptions Options { get; } = options;

    public BenchmarkResult Run(IProgress<BenchmarkEvent>? progress = null, CancellationToken ct = default)
    {
        var o = Options;
        var tables = new List<BenchmarkEvent>();
        void Note(string line) => progress?.Report(new BenchmarkNote(line));
        void Table(BenchmarkEvent e) { tables.Add(e); progress?.Report(e); }
        Note($"cores: {Environment.ProcessorCount}, native bf16: {(CpuFeatures.HasBf16 ? "yes" : "no")}, int8: {CpuFeatures.Int8Summary}, libtorch CPU");
        if (o.Precisions.Contains(Precision.Int8) && !CpuFeatures.HasVnni)
            Note("WARNING this CPU has no VNNI: ONNX Runtime's int8 kernels run without their fast dot-product path");
        if (o.Precisions.Contains(Precision.Bf16) && !CpuFeatures.HasBf16)
            Note("WARNING this CPU has no AVX-512 BF16 / AMX: bf16 rows are skipped (fp32 only)");
        var supported = o.Precisions.Where(p => p != Precision.Bf16 || CpuFeatures.HasBf16).ToList();
        if (o.What.Contains("forward"))
        {
            var rows = o.Baselines.SelectMany(b => ForwardBenchmark.RunBaseline(b, o.Imgsz, o.Threads, o.Batch, o.Runs, ct))
                .Concat(ForwardBenchmark.Run(o.Models, o.Imgsz, o.Threads, o.Precisions, o.Runtimes, o.Batch, o.Runs, ct: ct, int8: o.Int8)).ToList();
            Table(new ForwardMeasured(rows));
            if (o.Plot is { } png) { BenchmarkPlot.Save(png, rows); Note($"Plot written to {png}"); }
        }
        if (o.What.Contains("train"))
        {
            var rows = o.Models.SelectMany(model => supported.SelectMany(p => o.Threads.Select(t =>
                TrainBenchmark.Run(model, t, o.TrainBatch, o.TrainImgsz, precision: p)))).ToList();
            Table(new TrainMeasured(rows));
            var trainData = o.Data ?? TrainBreakdownBenchmark.DefaultData(o.TrainImgsz);
            foreach (var split in o.Models.SelectMany(model => o.Threads.Select(t => TrainBreakdownBenchmark.Run(model, trainData, t, o.Workers, o.TrainBatch, o.TrainImgsz, ct: ct))))
                Table(new TrainBreakdownMeasured(split, trainData));
        }
        if (o.What.Contains("loader"))
        {
            var dir = Path.Combine(Path.GetTempPath(), "ghostyolo-loader-bench");
            var rows = LoaderBenchmark.Run(dir, [640, 320], o.Threads, 16, 20, images: 16 * 22);
            Table(new LoaderMeasured(rows));
            Directory.Delete(dir, true);
        }
        if (o.What.Contains("load"))
            Table(new LoadMeasured(o.Models.Select(model => LoadBenchmark.Run(model)).ToList()));
        if (o.What.Contains("track"))
        {
            var video = EnsureVideo();
            Table(new TrackMeasured(video, o.Models.SelectMany(model => o.Threads.SelectMany(t => TrackBenchmark.Run(model, video, t, imgsz: o.Imgsz, ct: ct))).ToList()));
        }
        if (o.What.Contains("track-memory"))
        {
            var video = EnsureVideo();
            Table(new TrackMemoryMeasured(o.Models.Select(model => TrackBenchmark.Memory(model, video, imgsz: o.Imgsz, ct: ct)).ToList()));
        }
        if (o.What.Contains("detect"))
        {
            var videoPath = o.Video ?? EnsureVideo();
            var detectModels = o.DetectModel is { } dm ? [dm] : o.Models;
            // bf16 runs on libtorch, int8 on ONNX Runtime, fp32 on either.
            var combos = supported.SelectMany(p => o.Runtimes
                .Where(rt => p == Precision.Fp32 || (p == Precision.Bf16 ? rt != InferenceRuntime.Onnx : rt != InferenceRuntime.Torch))
                .Select(rt => (p, rt))).ToList();
            var rows = detectModels.SelectMany(model => combos.SelectMany(c => o.Threads.Select(t =>
                DetectBenchmark.Run(model, videoPath, t, imgsz: o.Imgsz, precision: c.p, runtime: c.rt, batch: o.Batch, int8: o.Int8, cancellationToken: ct)))).ToList();
            if (rows.Any(x => !x.Trained))
                Note("WARNING untrained models (a YAML) score every class ~1e-4: NMS and drawing have nothing to do; give --model a trained checkpoint");
            Table(new DetectMeasured(videoPath, rows));
        }
        return new BenchmarkResult(tables);
    }

    /// <summary>The default video: datasets/shapes/video.mp4, generated with the shapes dataset when missing.</summary>
    private static string EnsureVideo()
    {
        var video = Path.Combine("datasets", "shapes", "video.mp4");
        if (!File.Exists(video)) ShapesDataset.Generate(new ShapesOptions { OutDir = Path.Combine("datasets", "shapes") });
        return video;
    }
}
