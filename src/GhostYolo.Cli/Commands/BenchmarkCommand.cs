using System.CommandLine;
using System.Globalization;
using GhostYolo.Benchmarks;
using GhostYolo.Data;
using GhostYolo.Nn;
using GhostYolo.Platform;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo benchmark</c>: speed on this machine — forward latency per model × threads × precision, training
/// throughput, loader throughput and detect pipeline FPS — as tables, plus a GFLOPs-vs-latency plot. The measuring is
/// <see cref="BenchmarkTask"/>'s; this maps the options and renders each table as it arrives.
/// Benchmarks, not tests: shared cores are noisy, so compare rows of one run.
/// </summary>
public static class BenchmarkCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models") { Description = "Model YAMLs or files (.gyt, .pt, .safetensors, .onnx); default: YOLOv8n, its Ghost/GhostV2/G-Ghost/FasterNet variants, YOLOv5n", Arity = ArgumentArity.ZeroOrMore };
        var imgsz = CommonOptions.ImgSz();
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts", DefaultValueFactory = _ => "1,2" };
        var precision = new Option<string>("--precision") { Description = "Comma-separated: fp32, bf16, int8 (ONNX Runtime; calibrated on --data)", DefaultValueFactory = _ => "fp32,bf16" };
        var data = new Option<string?>("--data") { Description = "int8: dataset YAML whose training images calibrate (default: a checkpoint's own dataset); --what train: the dataset of the timed epoch (default: a generated 100-image shapes set)" };
        var detectModel = new Option<string?>("--model") { Description = "--what detect: the trained checkpoint to run (e.g. the demo's best.gyt); default: the models" };
        var video = new Option<string?>("--video") { Description = "--what detect/track: the video (default: datasets/shapes/video.mp4, generated if missing)" };
        var runtime = new Option<string>("--runtime") { Description = "Comma-separated: auto, torch, onnx (auto = ONNX Runtime for fp32 where the model exports)", DefaultValueFactory = _ => "auto" };
        var batch = new Option<int>("--batch") { Description = "Batch size for forward latency", DefaultValueFactory = _ => 1 };
        var what = new Option<string>("--what") { Description = "Comma-separated: forward, train, loader, detect, load (time to read and build each model file), track (detect vs detect + ByteTrack / BoT-SORT), track-memory (RSS over a 10,000-frame stream)", DefaultValueFactory = _ => "forward" };
        var runs = new Option<int>("--runs") { Description = "Timed passes per forward measurement", DefaultValueFactory = _ => 20 };
        var trainImgsz = new Option<int>("--train-imgsz") { Description = "Image size for --what train", DefaultValueFactory = _ => 320 };
        var trainBatch = new Option<int>("--train-batch") { Description = "Batch size for --what train", DefaultValueFactory = _ => 16 };
        var workers = new Option<int?>("--workers") { Description = "--what train: loader workers of the timed training epoch (default: the trainer's, 8 capped at the core count)" };
        var format = new Option<string>("--format") { Description = "table, md or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "md", "csv");
        var plot = new Option<string?>("--plot") { Description = "Write the GFLOPs-vs-latency scatter plot to this PNG" };
        var baseline = new Option<string[]>("--baseline")
        {
            Description = "TorchScript detector(s) to time in the same run as reference rows (ultralytics: yolo export format=torchscript; or tools/pytorch-baseline/yolov8.py trace)",
            AllowMultipleArgumentsPerToken = true,
        };
        var cmd = new Command("benchmark", "Measure forward latency, training and loader throughput and detect FPS on this machine")
            { models, imgsz, threads, precision, runtime, batch, what, runs, trainImgsz, trainBatch, workers, format, plot, baseline, data, detectModel, video };
        var int8Arguments = new Int8Arguments(cmd);
        cmd.SetAction((r, ct) =>
        {
            var fmt = r.GetValue(format)!;
            int size = r.GetValue(imgsz), batchSize = r.GetValue(batch), timedRuns = r.GetValue(runs), trainSize = r.GetValue(trainImgsz), trainBatchSize = r.GetValue(trainBatch);
            var task = new BenchmarkTask(new BenchmarkTaskOptions
            {
                Models = r.GetValue(models) is { Length: > 0 } m ? m : BenchmarkTaskOptions.DefaultModels,
                Threads = r.GetValue(threads)!.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList(),
                Precisions = r.GetValue(precision)!.Split(',').Select(PrecisionParser.Parse).ToList(),
                Runtimes = r.GetValue(runtime)!.Split(',').Select(Engine.InferenceRuntimeParser.Parse).Distinct().ToList(),
                What = r.GetValue(what)!.Split(',').Select(w => w.Trim()).ToHashSet(),
                Imgsz = size, Batch = batchSize, Runs = timedRuns, TrainImgsz = trainSize, TrainBatch = trainBatchSize, Workers = r.GetValue(workers),
                Data = r.GetValue(data), DetectModel = r.GetValue(detectModel), Video = r.GetValue(video), Baselines = r.GetValue(baseline) ?? [],
                Int8 = int8Arguments.Parse(r, r.GetValue(data)), Plot = r.GetValue(plot),
            });
            task.Run(new SyncProgress<BenchmarkEvent>(e => Render(e, fmt, size, batchSize, timedRuns, trainSize, trainBatchSize)), ct);
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static void Render(BenchmarkEvent e, string fmt, int imgsz, int batch, int runs, int trainImgsz, int trainBatch)
    {
        switch (e)
        {
            case BenchmarkNote n:
                Console.WriteLine(n.Message);
                break;
            case ForwardMeasured { Rows: var rows }:
                Print($"Forward latency at {imgsz}, batch {batch} (fused, channels-last; median of {runs} after warm-up; convs: integer/float convolutions in the graph ONNX Runtime runs; silu_lut: SiLUs run as one uint8 table lookup)",
                    ["model", "gflops", "threads", "precision", "runtime", "median_ms", "p10_ms", "p90_ms", "fps", "convs_int/float", "silu_lut"],
                    rows.Select(x => new[] { x.Model, double.IsFinite(x.GFlops) ? F(x.GFlops, "F1") : "-", x.Threads.ToString(), x.Precision.ToString().ToLowerInvariant(), x.Runtime.ToString().ToLowerInvariant(),
                        F(x.Latency.MedianMs, "F1"), F(x.Latency.P10Ms, "F1"), F(x.Latency.P90Ms, "F1"), F(x.Latency.Fps, "F1"),
                        x.Graph is { } g ? $"{g.IntegerConvs}/{g.FloatConvs}" : "-", x.Graph is { } h ? h.SiluLookups.ToString() : "-" }), fmt);
                break;
            case TrainMeasured { Rows: var rows }:
                Print($"Training throughput: full steps at {trainImgsz}, batch {trainBatch} (bf16 = amp=True mixed precision)",
                    ["model", "threads", "precision", "images_per_s", "step_ms"],
                    rows.Select(x => new[] { x.Model, x.Threads.ToString(), x.Precision.ToString().ToLowerInvariant(), F(x.ImagesPerSecond, "F1"), F(x.StepMs, "F0") }), fmt);
                break;
            case TrainBreakdownMeasured { Breakdown: var split, Data: var trainData }:
                Print($"Where a training epoch's time goes: {split.Model}, {trainData}, {split.Epochs} epoch(s) of {split.Batches} batches, batch {split.Batch}, imgsz {split.ImgSz}, threads {split.Threads}, workers {split.Workers}: {F(split.ImagesPerSecond, "F1")} img/s per epoch, {F(split.TrainImagesPerSecond, "F1")} img/s in training batches (worker rows: summed over the loader workers, beside the training thread; with workers 0 inside loader wait)",
                    ["stage", "thread", "ms_per_batch", "percent_of_epoch"],
                    split.Rows.Select(x => new[] { x.Stage, x.InWorkers ? "workers" : "training", F(x.MsPerBatch, "F1"), F(x.PercentOfEpoch, "F1") }), fmt);
                break;
            case LoaderMeasured { Rows: var rows }:
                Console.WriteLine();
                Console.WriteLine("Loader throughput: mosaic training batches of 16 (workers = thread counts)");
                Console.Write(LoaderBenchmark.Format(rows));
                break;
            case LoadMeasured { Rows: var rows }:
                Print("Model load: read the file, rebuild the model, load the weights (in process)",
                    ["model", "size_mb", "first_ms", "median_ms"],
                    rows.Select(x => new[] { x.Model, F(x.Bytes / 1e6, "F1"), F(x.FirstMs, "F0"), F(x.MedianMs, "F0") }), fmt);
                break;
            case TrackMeasured { Video: var video, Rows: var rows }:
                Print($"Tracking on {video} at {imgsz}: detect pipeline alone and with each tracker (conf 0.1, medians of 3 interleaved rounds)",
                    ["model", "tracker", "threads", "dets_per_frame", "end_to_end_fps", "overhead", "tracker_ms_per_frame"],
                    rows.Select(x => new[] { x.Model, x.Tracker, x.Threads.ToString(), F(x.DetectionsPerFrame, "F1"), F(x.EndToEndFps, "F1"), x.Tracker == "none" ? "-" : F(x.Overhead, "P1"), F(x.TrackerMsPerFrame, "F2") }), fmt);
                break;
            case TrackMemoryMeasured { Rows: var rows }:
                Print("Tracking memory over a long stream (the video in a loop, ByteTrack, trails of 30)",
                    ["model", "tracker", "frames", "tracks", "rss_1k_mb", "rss_end_mb", "growth"],
                    rows.Select(x => new[] { x.Model, x.Tracker, x.Frames.ToString(), x.Tracks.ToString(), x.RssAt1kMb.ToString(), x.RssAtEndMb.ToString(), F(x.Growth, "P1") }), fmt);
                break;
            case DetectMeasured { Video: var videoPath, Rows: var rows }:
                Print($"Detect pipeline on {videoPath} at {imgsz}, batch {batch}: end-to-end FPS vs forward-only FPS at the same batch (pre/infer/post_ms: the pipeline's per-frame stage times)",
                    ["model", "threads", "precision", "runtime", "input", "dets_per_frame", "end_to_end_fps", "forward_fps", "ratio", "pre_ms", "infer_ms", "post_ms"],
                    rows.Select(x => new[] { Path.GetFileName(x.Model), x.Threads.ToString(), x.Precision.ToString().ToLowerInvariant(), x.Runtime.ToString().ToLowerInvariant(), $"{x.InputShape.W}x{x.InputShape.H}",
                        F(x.DetectionsPerFrame, "F1"), F(x.EndToEndFps, "F1"), F(x.ForwardFps, "F1"), F(x.Ratio, "P0"),
                        F(x.Stages.PreprocessMs, "F1"), F(x.Stages.InferenceMs, "F1"), F(x.Stages.PostprocessMs, "F1") }), fmt);
                break;
        }
    }

    private static string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);

    private static void Print(string title, string[] header, IEnumerable<string[]> rows, string format)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        switch (format)
        {
            case "csv":
                Console.WriteLine(string.Join(",", header));
                foreach (var row in rows) Console.WriteLine(string.Join(",", row));
                break;
            case "md":
                Console.WriteLine("| " + string.Join(" | ", header) + " |");
                Console.WriteLine("|" + string.Concat(header.Select((_, i) => i == 0 ? "---|" : "---:|")));
                foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
                break;
            default:
                var table = new Table().Border(TableBorder.Rounded);
                foreach (var h in header) table.AddColumn(h);
                foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
                AnsiConsole.Write(table);
                break;
        }
    }
}
