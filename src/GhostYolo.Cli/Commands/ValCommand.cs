using GhostYolo.Weights;
using System.CommandLine;
using GhostYolo.Data;
using GhostYolo.Engine;
using static TorchSharp.torch;

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
        var workers = new Option<int>("--workers") { Description = "Data-loading threads", DefaultValueFactory = _ => 2 };
        var singleCls = new Option<bool>("--single-cls") { Description = "Treat the dataset as one class" };
        var threads = CommonOptions.Threads();
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16 (bfloat16 model and inputs where the CPU supports it; NMS and metrics stay fp32)", DefaultValueFactory = _ => "fp32" };
        var cmd = new Command("val", "Validate a detector: P, R, mAP50, mAP50-95 overall and per class")
            { model, data, split, imgsz, batch, conf, iou, maxDet, device, saveJson, plots, project, name, workers, singleCls, threads, precision };
        cmd.SetAction((r, ct) =>
        {
            CommonOptions.ApplyThreads(r.GetValue(threads));
            var dev = CommonOptions.ParseDevice(r.GetValue(device)!);
            var dataset = DatasetDefinition.Load(r.GetValue(data)!);
            var loaded = ModelLoader.Load(r.GetValue(model)!, dev, dataset.Nc, dataset.Names);
            using var m = loaded.Model;
            if (!loaded.HasWeights)
                Console.WriteLine($"WARNING {loaded.Source} is a YAML: validating random weights");
            else if (loaded.Names.Count != dataset.Nc)
                throw new ArgumentException($"{loaded.Source} was trained on {loaded.Names.Count} classes but {r.GetValue(data)} has {dataset.Nc}");
            Console.WriteLine(Nn.Profiling.ModelProfile.Measure(m.Fuse()).SummaryLine);
            var requested = Nn.PrecisionParser.Parse(r.GetValue(precision)!);
            if (m.PrepareForInference(requested) != requested)
                Console.WriteLine("WARNING this CPU has no native bf16 (AVX-512 BF16 / AMX); validating in fp32");
            using var loader = Loaders.Val(dataset, r.GetValue(split)!, r.GetValue(imgsz) ?? loaded.ImgSz, r.GetValue(batch), r.GetValue(workers),
                (int)m.MaxStride, r.GetValue(singleCls), new ConsoleLogger(), ct);
            var saveDir = RunDirectory.Create(r.GetValue(project)!, r.GetValue(name)!);
            var result = new Validator().Run(m, loader, loaded.Names, new ValOptions
            {
                Conf = r.GetValue(conf), Iou = r.GetValue(iou), MaxDet = r.GetValue(maxDet), SingleCls = r.GetValue(singleCls),
                SaveDir = saveDir, Plots = r.GetValue(plots), SaveJson = r.GetValue(saveJson),
            }, progress: null, ct: ct);
            Console.WriteLine(ValTable.Header);
            foreach (var row in ValTable.Rows(result.Metrics, loaded.Names)) Console.WriteLine(row);
            Console.WriteLine(result.Speed.Line);
            Console.WriteLine($"Results saved to {saveDir}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
