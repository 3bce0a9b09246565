using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GhostYolo.Engine;
using GhostYolo.Platform;
using GhostYolo.Engine.Sinks;
using GhostYolo.Engine.Sources;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo detect --model M --source S</c>: runs <see cref="Predictor"/> over images, folders, globs, lists,
/// videos, webcams or streams and writes annotated output to <c>runs/detect/predict{N}</c> (ultralytics <c>predict</c>).
/// Prints a line per image (a live bar for a single video on an interactive terminal) and the closing speed summary.
/// </summary>
public static class DetectCommand
{
    public static Command Create() => Create(track: false);

    /// <summary>The detect command, or with <paramref name="track"/> the track command: the same sources, sinks, precision and
    /// runtime options on the same streaming pipeline, plus the tracker and its outputs (<see cref="TrackArguments"/>).</summary>
    internal static Command Create(bool track)
    {
        var d = track ? new PredictOptions { Conf = TrackArguments.DefaultConf, Name = "track" } : new PredictOptions();
        var model = new Option<string>("--model") { Description = "Checkpoint (.gyt, ultralytics/yolov5 .pt, .safetensors), ONNX file, or model YAML (random weights unless --weights)", Required = true };
        var source = new Option<string>("--source") { Description = "Image, folder, glob, .txt list, video, webcam index (0) or stream URL", Required = true };
        var imgsz = CommonOptions.ModelImgSz();
        var conf = new Option<double>("--conf") { Description = "Confidence threshold", DefaultValueFactory = _ => d.Conf };
        var iou = new Option<double>("--iou") { Description = "NMS IoU threshold", DefaultValueFactory = _ => d.Iou };
        var maxDet = new Option<int>("--max-det") { Description = "Maximum detections per image", DefaultValueFactory = _ => d.MaxDet };
        var classes = new Option<string?>("--classes") { Description = "Keep only these class indices, e.g. 0,2" };
        var agnostic = new Option<bool>("--agnostic-nms") { Description = "Class-agnostic NMS" };
        var device = CommonOptions.Device();
        var saveTxt = new Option<bool>("--save-txt") { Description = "Write YOLO labels to labels/ (one file per image or video frame)" };
        var saveConf = new Option<bool>("--save-conf") { Description = "Add the confidence to each label line" };
        var noSave = new Option<bool>("--nosave") { Description = "Do not write annotated images or videos" };
        var show = new Option<bool>("--show") { Description = "Show annotated frames in a window (needs a display)" };
        var project = new Option<string>("--project") { Description = "Run folder parent", DefaultValueFactory = _ => d.Project };
        var name = new Option<string>("--name") { Description = "Run folder name (predict, predict2, …)", DefaultValueFactory = _ => d.Name };
        var lineWidth = new Option<int?>("--line-width") { Description = "Box line width in pixels (default: from the image size)" };
        var hideLabels = new Option<bool>("--hide-labels") { Description = "Draw boxes without labels" };
        var hideConf = new Option<bool>("--hide-conf") { Description = "Draw labels without confidences" };
        var vidStride = new Option<int>("--vid-stride") { Description = "Read every N-th video frame", DefaultValueFactory = _ => d.VidStride };
        var batch = new Option<int>("--batch") { Description = "Frames per forward pass (0 = auto: 2 for video files on 2+ threads, else 1)", DefaultValueFactory = _ => d.Batch };
        var threads = CommonOptions.Threads();
        var nc = CommonOptions.Nc();
        var weights = CommonOptions.Weights();
        var data = new Option<string?>("--data") { Description = "Dataset YAML whose class names a model YAML (with or without --weights) gets; with --precision int8 the images to calibrate on" };
        var precision = new Option<string>("--precision") { Description = "fp32, bf16 (bfloat16 where the CPU supports it) or int8 (ONNX Runtime, calibrated on --data's training images); NMS stays fp32. --half is the same as bf16", DefaultValueFactory = _ => "fp32" };
        var half = new Option<bool>("--half") { Description = "Same as --precision bf16" };
        var runtime = CommonOptions.Runtime();
        var cmd = track
            ? new Command("track", "Track objects through videos, webcams or streams (ByteTrack, BoT-SORT) and save annotated results, MOT files and counts")
            : new Command("detect", "Detect objects in images, folders, videos, webcams or streams and save annotated results");
        foreach (var option in new Option[] { model, source, imgsz, conf, iou, maxDet, classes, agnostic, device, saveTxt, saveConf, noSave, show, project, name,
            lineWidth, hideLabels, hideConf, vidStride, batch, threads, nc, weights, data, precision, half, runtime }) cmd.Options.Add(option);
        var trackArguments = track ? new TrackArguments(cmd) : null;
        var int8Arguments = new Int8Arguments(cmd);
        cmd.SetAction(r =>
        {
            try
            {
                var o = d with
                {
                    Imgsz = r.GetValue(imgsz) ?? d.Imgsz, Conf = r.GetValue(conf), Iou = r.GetValue(iou), MaxDet = r.GetValue(maxDet),
                    Classes = ParseClasses(r.GetValue(classes)), Agnostic = r.GetValue(agnostic), Device = r.GetValue(device)!,
                    SaveTxt = r.GetValue(saveTxt), SaveConf = r.GetValue(saveConf), Save = !r.GetValue(noSave), Show = r.GetValue(show),
                    Project = r.GetValue(project)!, Name = r.GetValue(name)!, LineWidth = r.GetValue(lineWidth),
                    HideLabels = r.GetValue(hideLabels), HideConf = r.GetValue(hideConf), VidStride = r.GetValue(vidStride),
                    Batch = r.GetValue(batch),
                    Precision = r.GetValue(half) ? Nn.Precision.Bf16 : Nn.PrecisionParser.Parse(r.GetValue(precision)!),
                    Runtime = InferenceRuntimeParser.Parse(r.GetValue(runtime)!),
                    Int8 = int8Arguments.Parse(r, r.GetValue(data)),
                };
                o.Validate();
                CommonOptions.ApplyThreads(r.GetValue(threads));
                var names = r.GetValue(data) is { } dataYaml ? Data.DatasetDefinition.Load(dataYaml).Names : null;
                return Run(r.GetValue(model)!, r.GetValue(source)!, o, r.GetValue(imgsz), r.GetValue(nc), trackArguments?.Parse(r), names, r.GetValue(weights));
            }
            catch (Exception e) when (CliRunner.IsUserError(e))
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return 2;
            }
        });
        return cmd;
    }

    /// <summary>"0,2" → [0, 2]; null/empty → null (all classes).</summary>
    public static IReadOnlyList<int>? ParseClasses(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var list = new List<int>();
        foreach (var part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int c))
                throw new ArgumentException($"--classes '{text}': '{part}' is not a class index; use e.g. --classes 0,2");
            list.Add(c);
        }
        return list;
    }

    /// <param name="imgsz">--imgsz; null runs at the size the checkpoint was trained at.</param>
    private static int Run(string modelPath, string sourceText, PredictOptions o, int? imgsz, int? nc, TrackRequest? track,
        IReadOnlyList<string>? names, string? weights)
    {
        DeviceParser.Check(o.Device);   // a bad --device is reported before the source is opened
        // Open the source before loading the model: a missing file or camera is reported at once.
        using var source = FrameSources.Open(sourceText, o.VidStride);
        using var predictor = Predictor.Load(modelPath, o, o.Precision == Nn.Precision.Int8 ? new ConsoleLogger() : null, imgszFromModel: imgsz is null, nc: nc, names: names, weights: weights);
        o = predictor.Options;
        if (predictor.Int8 is { } int8) Int8Arguments.Print(int8);
        if (predictor.ActualPrecision != o.Precision && o.Precision == Nn.Precision.Bf16) AnsiConsole.MarkupLine("[yellow]warning:[/] this CPU has no native bf16 (AVX-512 BF16 / AMX); running fp32");
        if (predictor.Runner.Note is { } note) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        AnsiConsole.MarkupLine($"[grey]{(predictor.Runner.Runtime == InferenceRuntime.Onnx ? "ONNX Runtime" : "libtorch")}, {predictor.ActualPrecision.ToString().ToLowerInvariant()}, {GhostYoloRuntime.Threads} thread(s)[/]");
        if (o.Show && DisplayWindow.UnavailableReason is { } why) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(why)}");

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        var stats = new Stats();
        var sw = Stopwatch.StartNew();
        bool interrupted = false;
        string saveDir = RunDirectory.Create(o.Project, o.Name);
        var writer = new PredictionWriter(saveDir, predictor.Names, o);
        Tracking.TrackingSession? session = null;
        StreamWriter? motWriter = null;
        try
        {
            bool singleVideo = source is FileSource { Paths.Count: 1 } fs && Data.ImageFiles.IsVideo(fs.Paths[0]);
            if (track is not null)
            {
                motWriter = new StreamWriter(Path.Combine(saveDir, TrackArguments.MotFile));
                session = new Tracking.TrackingSession(track.Options, motWriter);
            }
            var results = session is null ? predictor.Predict(source, cts.Token) : session.Track(predictor.Predict(source, cts.Token));
            if (singleVideo && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
                AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask(Path.GetFileName(sourceText));
                        foreach (var r in results)
                        {
                            if (r.FrameCount is { } n) task.MaxValue = n;
                            stats.Add(r);
                            writer.Post(r);
                            task.Value = r.FrameIndex + 1;
                            task.Description = Markup.Escape($"frame {r.FrameIndex + 1}/{r.FrameCount?.ToString(CultureInfo.InvariantCulture) ?? "?"} {r.Summary(predictor.Names)} | {stats.StageLine(r)}");
                        }
                    });
            else
                foreach (var r in results)
                {
                    stats.Add(r);
                    writer.Post(r);
                    if (ShouldLog(r)) Console.WriteLine(r.LogLine(predictor.Names));
                }
            writer.Complete();
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            interrupted = true;
        }
        finally
        {
            writer.Dispose();
            motWriter?.Dispose();
            Console.CancelKeyPress -= onCancel;
        }
        double seconds = sw.Elapsed.TotalSeconds;
        if (interrupted) AnsiConsole.MarkupLine($"[yellow]interrupted[/] after {stats.Frames} frames; everything written so far is complete and playable");
        if (stats.Frames > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Speed: {stats.Pre / stats.Frames:F1}ms preprocess, {stats.Inf / stats.Frames:F1}ms inference, {stats.Post / stats.Frames:F1}ms postprocess per image at shape ({stats.LastBatch}, 3, {stats.LastShape.H}, {stats.LastShape.W})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stats.Frames} frames in {seconds:F1}s: {stats.Frames / seconds:F1} FPS end-to-end"));
        }
        foreach (var (path, frames) in writer.Videos) Console.WriteLine($"{path}: {frames} frames");
        Console.WriteLine($"Results saved to {saveDir}");
        if (o.SaveTxt) Console.WriteLine($"{writer.LabelsWritten} label{(writer.LabelsWritten == 1 ? "" : "s")} saved to {Path.Combine(saveDir, "labels")}");
        if (session is not null) TrackArguments.Report(session, track!, saveDir, predictor.Names, stats.Fps);
        return interrupted ? 130 : 0;
    }

    /// <summary>Every image; for videos and streams about one line per second of footage, plus the last frame.</summary>
    private static bool ShouldLog(FrameResult r)
    {
        if (r.Kind == SourceKind.Image) return true;
        int every = Math.Max(1, (int)Math.Round(r.Fps));
        return r.FrameIndex % every == 0 || r.FrameIndex + 1 == r.FrameCount;
    }

    /// <summary>Running sums for the closing "Speed:" line.</summary>
    private sealed class Stats
    {
        public int Frames;
        public double Pre, Inf, Post;
        public int LastBatch = 1;
        public double Fps;
        public (int H, int W) LastShape;

        public void Add(FrameResult r)
        {
            Frames++;
            Pre += r.Timings.PreprocessMs;
            Inf += r.Timings.InferenceMs;
            Post += r.Timings.PostprocessMs;
            LastBatch = r.BatchSize;
            LastShape = r.InputShape;
            if (r.Fps > 0) Fps = r.Fps;
        }

        public string StageLine(FrameResult r) => string.Create(CultureInfo.InvariantCulture,
            $"{r.Timings.PreprocessMs:F1}/{r.Timings.InferenceMs:F1}/{r.Timings.PostprocessMs:F1} ms pre/inf/post");
    }
}
