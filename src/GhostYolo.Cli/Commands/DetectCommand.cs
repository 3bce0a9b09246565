using System.CommandLine;
using System.Globalization;
using GhostYolo.Engine;
using GhostYolo.Tasks;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo detect --model M --source S</c>: maps the options onto a <see cref="PredictTask"/> over images, folders,
/// globs, lists, videos, webcams or streams, which writes annotated output to <c>runs/detect/predict{N}</c> (ultralytics
/// <c>predict</c>); <see cref="PredictRunner"/> prints its lines.
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
                var track = trackArguments?.Parse(r);
                var task = new PredictTask(new PredictTaskOptions
                {
                    Model = r.GetValue(model)!, Source = r.GetValue(source)!, Predict = o, ImgszFromModel = r.GetValue(imgsz) is null, Nc = r.GetValue(nc),
                    Data = r.GetValue(data), Weights = r.GetValue(weights), Track = track?.Options, GroundTruth = track?.EvalPath,
                }, o.Precision == Nn.Precision.Int8 ? new ConsoleLogger() : null);
                return PredictRunner.Run(task, track);
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
}
