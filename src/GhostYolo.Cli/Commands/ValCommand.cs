using System.CommandLine;
using GhostYolo.Engine;
using GhostYolo.Tasks;

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
            var requested = Nn.PrecisionParser.Parse(r.GetValue(precision)!);
            var task = new ValTask(new ValTaskOptions
            {
                Model = r.GetValue(model)!, Data = r.GetValue(data)!, Split = r.GetValue(split)!, Imgsz = r.GetValue(imgsz), Batch = r.GetValue(batch),
                Conf = r.GetValue(conf), Iou = r.GetValue(iou), MaxDet = r.GetValue(maxDet), Device = r.GetValue(device)!,
                SaveJson = r.GetValue(saveJson), Plots = r.GetValue(plots), Project = r.GetValue(project)!, Name = r.GetValue(name)!,
                Weights = r.GetValue(weights), Workers = r.GetValue(workers), SingleCls = r.GetValue(singleCls),
                Precision = requested, Runtime = InferenceRuntimeParser.Parse(r.GetValue(runtime)!),
                Rect = r.GetValue(rect), Int8 = requested == Nn.Precision.Int8 ? int8.Parse(r, r.GetValue(data)) : null,
            }, new ConsoleLogger());
            var result = task.Run(new SyncProgress<ValEvent>(Render), ct);
            Console.WriteLine(ValTable.Header);
            foreach (var row in ValTable.Rows(result.Metrics, result.Names)) Console.WriteLine(row);
            Console.WriteLine(result.Val.Speed.Line);
            Console.WriteLine($"Results saved to {result.SaveDir}");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static void Render(ValEvent e)
    {
        switch (e)
        {
            case ValNote note: Console.WriteLine(note.Message); break;
            case ValInt8Calibrated { Report: { } report }: Int8Arguments.Print(report); break;
        }
    }
}
