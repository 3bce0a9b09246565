using System.CommandLine;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Platform;

namespace GhostYolo.Cli.Commands;

/// <summary><c>ghostyolo val</c>: validates a checkpoint (or a YAML with random weights) on a dataset split.</summary>
public static class ValCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (.gyt, ultralytics/yolov5 .pt, .safetensors, .onnx) or model YAML", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset YAML", Required = true };
        var split = new Option<string>("--split") { Description = "val, test or train", DefaultValueFactory = _ => "val" };
        var imgsz = CommonOptions.ModelImgSz();
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 16 };
        var conf = new Option<double>("--conf") { Description = "Confidence threshold", DefaultValueFactory = _ => 0.001 };
        var iou = new Option<double>("--iou") { Description = "NMS IoU threshold", DefaultValueFactory = _ => 0.7 };
        var maxDet = new Option<int>("--max-det") { Description = "Maximum detections per image", DefaultValueFactory = _ => 300 };
        var device = CommonOptions.Device();
        var saveJson = new Option<bool>("--save-json") { Description = "Write predictions.json (COCO results format)" };
        var plots = new Option<bool>("--plots") { Description = "Write PR/F1/P/R curves, confusion matrices and val batch images" };
        var project = new Option<string>("--project") { Description = "Folder for run folders", DefaultValueFactory = _ => "runs/detect" };
        var name = new Option<string>("--name") { Description = "Run folder name", DefaultValueFactory = _ => "val" };
        var weights = CommonOptions.Weights();
        var workers = new Option<int>("--workers") { Description = "Data-loading threads", DefaultValueFactory = _ => 2 };
        var singleCls = new Option<bool>("--single-cls") { Description = "Treat the dataset as one class" };
        var threads = CommonOptions.Threads();
        var rect = new Option<bool>("--rect")
        {
            Description = "Rectangular batches padded by half a stride, as ultralytics validates a .pt (--rect false: square letterbox at imgsz, as for a fixed-size ONNX file)",
            DefaultValueFactory = _ => true,
        };
        var precision = new Option<string>("--precision") { Description = "fp32, bf16 (bfloat16 model and inputs where the CPU supports it) or int8 (ONNX Runtime, calibrated on --data's training images); NMS and metrics stay fp32", DefaultValueFactory = _ => "fp32" };
        var runtime = CommonOptions.Runtime();
        var cmd = new Command("val", "Validate a detector: P, R, mAP50, mAP50-95 overall and per class")
            { model, weights, data, split, imgsz, batch, conf, iou, maxDet, device, saveJson, plots, project, name, workers, singleCls, threads, precision, runtime, rect };
        var int8 = new Int8Arguments(cmd);
        cmd.SetAction((r, ct) =>
        {
            CommonOptions.ApplyThreads(r.GetValue(threads));
            var dev = r.GetValue(device)!;
            DeviceParser.Check(dev);
            var dataset = DatasetDefinition.Load(r.GetValue(data)!);
            var modelPath = r.GetValue(model)!;
            var saveDir = RunDirectory.Create(r.GetValue(project)!, r.GetValue(name)!);
            var options = new ValOptions
            {
                Conf = r.GetValue(conf), Iou = r.GetValue(iou), MaxDet = r.GetValue(maxDet), SingleCls = r.GetValue(singleCls),
                SaveDir = saveDir, Plots = r.GetValue(plots), SaveJson = r.GetValue(saveJson),
            };
            ValResult result;
            IReadOnlyList<string> names;
            if (Onnx.OnnxModelFile.IsOnnx(modelPath))
            {
                // ONNX files run on ONNX Runtime; one exported for a fixed size takes square letterboxed images (as ultralytics).
                using var runner = InferenceRunner.FromOnnxFile(new Onnx.OnnxModelFile(modelPath, GhostYoloRuntime.Threads));
                names = CheckNames(modelPath, runner.Nc, dataset, r.GetValue(data)!);
                Console.WriteLine($"ONNX Runtime: {modelPath} ({(runner.FixedSize is { } f ? $"{f.H}×{f.W}" : "any size")}, {(runner.FixedBatch is { } b ? $"batch {b}" : "dynamic batch")})");
                int size = runner.FixedSize is { } fs ? Math.Max(fs.H, fs.W) : r.GetValue(imgsz) ?? 640;
                using var loader = Loaders.Val(dataset, r.GetValue(split)!, size, runner.FixedBatch ?? r.GetValue(batch), r.GetValue(workers),
                    runner.MaxStride, r.GetValue(singleCls), new ConsoleLogger(), ct, rect: runner.FixedSize is null && r.GetValue(rect));
                result = new Validator().Run(runner, loader, names, options, progress: null, ct: ct);
            }
            else
            {
                var loaded = ModelLoader.Load(modelPath, dev, dataset.Nc, dataset.Names, r.GetValue(weights));
                using var m = loaded.Model;
                if (!loaded.HasWeights)
                    Console.WriteLine($"WARNING {loaded.Source} is a YAML: validating random weights");
                CheckNames(modelPath, loaded.Names.Count, dataset, r.GetValue(data)!);
                names = loaded.Names;
                Console.WriteLine(Nn.Profiling.ModelProfile.Measure(m.Fuse()).SummaryLine);
                var requested = Nn.PrecisionParser.Parse(r.GetValue(precision)!);
                var rt = InferenceRuntimeParser.Parse(r.GetValue(runtime)!);
                using var loader = Loaders.Val(dataset, r.GetValue(split)!, r.GetValue(imgsz) ?? loaded.ImgSz, r.GetValue(batch), r.GetValue(workers),
                    (int)m.MaxStride, r.GetValue(singleCls), new ConsoleLogger(), ct, rect: r.GetValue(rect));
                if (requested == Nn.Precision.Int8 || rt != InferenceRuntime.Auto)
                {
                    // int8 (and an explicit engine) validates what inference runs: the InferenceRunner.
                    Onnx.Quantization.QuantizationPlan? plan = null;
                    if (requested == Nn.Precision.Int8)
                    {
                        if (rt == InferenceRuntime.Torch) InferenceRunner.Create(m, requested, rt);   // the clear error
                        var report = Int8Calibration.Prepare(loaded, int8.Parse(r, r.GetValue(data)), new ConsoleLogger(), ct);
                        Int8Arguments.Print(report);
                        plan = report.Plan;
                    }
                    using var runner = InferenceRunner.Create(m, requested, rt, plan);
                    Console.WriteLine($"{(runner.Runtime == InferenceRuntime.Onnx ? "ONNX Runtime" : "libtorch")}, {runner.Precision.ToString().ToLowerInvariant()}");
                    result = new Validator().Run(runner, loader, names, options, progress: null, ct: ct);
                }
                else
                {
                    if (m.PrepareForInference(requested) != requested)
                        Console.WriteLine("WARNING this CPU has no native bf16 (AVX-512 BF16 / AMX); validating in fp32");
                    result = new Validator().Run(m, loader, names, options, progress: null, ct: ct);
                }
            }
            Console.WriteLine(ValTable.Header);
            foreach (var row in ValTable.Rows(result.Metrics, names)) Console.WriteLine(row);
            Console.WriteLine(result.Speed.Line);
            Console.WriteLine($"Results saved to {saveDir}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    /// <summary>The dataset's names, after checking the model was trained on as many classes.</summary>
    private static IReadOnlyList<string> CheckNames(string model, int nc, DatasetDefinition dataset, string dataPath)
        => nc == dataset.Nc ? dataset.Names
            : throw new ArgumentException($"{model} was trained on {nc} classes but {dataPath} has {dataset.Nc}");
}
