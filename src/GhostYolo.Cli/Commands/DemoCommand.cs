using GhostYolo.Benchmarks;
using System.CommandLine;
using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Nn.Profiling;
using GhostYolo.Tasks;
using GhostYolo.Tracking;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo demo</c>: everything GhostYolo is for, end to end, with no downloads — generate the shapes dataset and
/// video, compare YOLOv8n with its Ghost / GhostV2 / G-Ghost / FasterNet variants, train a Ghost variant, validate it,
/// and run the detector and the tracker on the videos. Each step is a library task (<see cref="TrainTask"/>,
/// <see cref="PredictTask"/>) rendered as its command renders it.
/// </summary>
public static class DemoCommand
{
    public static readonly string[] CompareModels =
    [
        "yolov8n.yaml", "yolov8n-ghost.yaml", "yolov8n-C2f-GhostBottleneck.yaml", "yolov8n-C2f-GhostBottleneckV2.yaml",
        "yolov8n-C2f-g_ghostBottleneck.yaml", "yolov8n-C2f-Faster.yaml", "yolov8n-fasternet.yaml",
    ];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model to train", DefaultValueFactory = _ => "yolov8n-C2f-GhostBottleneck.yaml" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 10 };
        var imgsz = new Option<int>("--imgsz") { Description = "Image size for the dataset, training and detection", DefaultValueFactory = _ => 320 };
        var data = new Option<string>("--data") { Description = "Where the shapes dataset is generated (reused when present)", DefaultValueFactory = _ => "datasets/shapes-demo" };
        var project = new Option<string>("--project") { Description = "Folder for run folders", DefaultValueFactory = _ => "runs/detect" };
        var skipCompare = new Option<bool>("--skip-compare") { Description = "Skip the comparison table" };
        var threads = CommonOptions.Threads();
        var cmd = new Command("demo", "End-to-end tour on a generated dataset: compare models, train a Ghost variant, validate, detect on a video")
            { model, epochs, imgsz, data, project, skipCompare, threads };
        cmd.SetAction((r, ct) => Task.FromResult(Run(r.GetValue(model)!, r.GetValue(epochs), r.GetValue(imgsz), r.GetValue(data)!,
            r.GetValue(project)!, r.GetValue(skipCompare), r.GetValue(threads), ct)));
        return cmd;
    }

    private static int Run(string model, int epochs, int imgsz, string dataDir, string project, bool skipCompare, int? threads, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        CommonOptions.ApplyThreads(threads);
        Step(1, "Dataset");
        var dataYaml = Path.Combine(dataDir, "data.yaml");
        var video = Path.Combine(dataDir, "video.mp4");
        if (File.Exists(dataYaml) && File.Exists(video)) Console.WriteLine($"Using the shapes dataset in {dataDir} (delete it to regenerate)");
        else
        {
            var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dataDir, ImgSize = imgsz });
            Console.WriteLine($"Generated {shapes.TrainImages} train + {shapes.ValImages} val images ({shapes.Instances} shapes: {string.Join(", ", shapes.Names)}) and a {shapes.VideoFrames}-frame video in {dataDir}");
        }
        var nc = DatasetDefinition.Load(dataYaml).Nc;
        // A dataset generated before tracking existed has no sequence yet: add it (the same generator `dataset shapes` runs).
        var sequence = Path.Combine(dataDir, "track");
        if (!File.Exists(Path.Combine(sequence, "gt", "gt.txt")))
            ShapesDataset.WriteSequence(new ShapesOptions { OutDir = dataDir, ImgSize = imgsz, Classes = nc });

        if (!skipCompare)
        {
            Step(2, $"YOLOv8n and its lightweight variants (nc {nc}, fused, latency at {imgsz}×{imgsz}, batch 1, CPU)");
            var options = new ComparisonOptions(imgsz, nc, Fused: true, Speed: true, Runs: 8, Macs: false, LayerRule.Modules);
            var rows = CompareCommand.Run(CompareModels, options).Rows;
            Console.Write(CompareCommand.Render(rows, options, "table"));
            Console.WriteLine($"GFLOPs at {imgsz}. Fewer FLOPs is not always faster: depth-wise convs are memory-bound.");
        }

        Step(3, $"Training {model} for {epochs} epochs at {imgsz}");
        // ultralytics' recipe, shortened for a CPU demo: nominal batch 16 (an optimizer step per batch instead of every 4th),
        // one warm-up epoch, mosaic off for the last 3 epochs.
        var train = new TrainOptions
        {
            Model = model, Data = dataYaml, Epochs = epochs, Imgsz = imgsz, Batch = 16, Nbs = 16, WarmupEpochs = 1,
            CloseMosaic = Math.Min(3, epochs), Workers = 2, Project = project, Name = "demo", Threads = threads,
        };
        var finished = new TrainTask(train, new ConsoleLogger()).Run(new SyncProgress<TrainEvent>(new TrainRenderer().Render), ct);
        if (finished.Best is null) return finished.Interrupted ? 130 : 1;

        Step(4, "Detection on the test video");
        int code = PredictRunner.Run(new PredictTask(new PredictTaskOptions
        {
            Model = finished.Best, Source = video, Predict = new PredictOptions { Imgsz = imgsz, Project = project, Name = "demo_predict" },
        }), track: null);
        if (code != 0) return code;

        Step(5, "Tracking the shapes sequence (ByteTrack, scored against its ground truth)");
        var gt = Path.Combine(sequence, "gt", "gt.txt");
        var tracking = new TrackRequest(new TrackOptions { Tracker = TrackerConfig.Resolve("bytetrack"), Trails = 20 }, "bytetrack", gt);
        code = PredictRunner.Run(new PredictTask(new PredictTaskOptions
        {
            Model = finished.Best, Source = Path.Combine(sequence, "video.mp4"), Track = tracking.Options, GroundTruth = gt,
            Predict = new PredictOptions { Conf = TrackArguments.DefaultConf, Imgsz = imgsz, Project = project, Name = "demo_track" },
        }), tracking);
        if (code != 0) return code;

        Step(6, "Where everything is");
        Console.WriteLine($"Run folder:      {finished.SaveDir}");
        Console.WriteLine($"Weights:         {finished.Best}");
        Console.WriteLine($"Plots:           {Path.Combine(finished.SaveDir, "results.png")}, PR_curve.png, confusion_matrix.png, labels.jpg, train_batch0.jpg");
        var predictDir = Directory.GetDirectories(project, "demo_predict*").OrderBy(File.GetCreationTimeUtc).LastOrDefault();
        if (predictDir is not null) Console.WriteLine($"Annotated video: {Path.Combine(predictDir, Path.GetFileName(video))}");
        var trackDir = Directory.GetDirectories(project, "demo_track*").OrderBy(File.GetCreationTimeUtc).LastOrDefault();
        if (trackDir is not null) Console.WriteLine($"Tracked video:   {Path.Combine(trackDir, "video.mp4")} (IDs, trails; mot.txt, tracks.csv, metrics.json)");
        if (finished.Final is { } f) Console.WriteLine($"mAP50 {f.Metrics.Map50:F3}, mAP50-95 {f.Metrics.Map:F3} after {finished.EpochsCompleted} epochs; demo took {clock.Elapsed:mm\\:ss}");
        Console.WriteLine();
        Console.WriteLine("Next:");
        Console.WriteLine($"  ghostyolo train --model {model} --data {dataYaml} --epochs 30 --imgsz {imgsz}   # train longer");
        Console.WriteLine($"  ghostyolo val --model {finished.Best} --data {dataYaml} --plots --save-json");
        Console.WriteLine($"  ghostyolo detect --model {finished.Best} --source 0                                  # webcam");
        Console.WriteLine($"  ghostyolo track --model {finished.Best} --source {Path.Combine(sequence, "video.mp4")} --tracker botsort --count-line 0,120,{imgsz},120");
        Console.WriteLine("  ghostyolo compare yolov8n.yaml yolov8n-C2f-GhostBottleneckV2-attn.yaml --speed --precision bf16");
        return 0;
    }

    private static void Step(int n, string title)
    {
        Console.WriteLine();
        AnsiConsole.Write(new Rule($"[bold]{n}. {Markup.Escape(title)}[/]").LeftJustified());
    }
}
