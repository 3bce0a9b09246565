using System.CommandLine;
using GhostYolo.Engine;
using GhostYolo.Tasks;

namespace GhostYolo.Cli.Commands;

/// <summary><c>ghostyolo export</c>: maps the options onto an <see cref="ExportTask"/>: a model as ONNX, safetensors or a PyTorch state dict.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (.gyt, ultralytics/yolov5 .pt, .safetensors) or model YAML", Required = true };
        var format = new Option<string>("--format") { Description = "onnx, safetensors or torch", DefaultValueFactory = _ => "onnx" };
        var imgsz = CommonOptions.ModelImgSz();
        var batch = new Option<int>("--batch") { Description = "ONNX batch size", DefaultValueFactory = _ => 1 };
        var dynamic = new Option<bool>("--dynamic") { Description = "ONNX: dynamic batch axis (height and width stay fixed)" };
        var opset = new Option<int>("--opset") { Description = "ONNX opset (17)", DefaultValueFactory = _ => Nn.Export.OnnxGraph.Opset };
        var half = new Option<bool>("--half") { Description = "safetensors / torch: fp16 tensors" };
        var output = new Option<string?>("--output") { Description = "Output file (default: beside the model)" };
        var weights = CommonOptions.Weights();
        var data = new Option<string?>("--data") { Description = "Dataset YAML: class names for a model YAML; with --int8 the images to calibrate on" };
        var int8Flag = new Option<bool>("--int8") { Description = "ONNX: int8 convolutions (QDQ), calibrated on --data's training images (default: the checkpoint's dataset)" };
        var cmd = new Command("export", "Export a model to ONNX, safetensors or a PyTorch state dict")
            { model, weights, format, imgsz, batch, dynamic, opset, half, output, data, int8Flag };
        var threads = CommonOptions.Threads();
        cmd.Options.Add(threads);
        var int8 = new Int8Arguments(cmd);
        cmd.SetAction(r =>
        {
            CommonOptions.ApplyThreads(r.GetValue(threads));
            var fmt = r.GetValue(format)!.Trim().ToLowerInvariant() switch
            {
                "onnx" => ExportFormat.Onnx,
                "safetensors" => ExportFormat.Safetensors,
                "torch" or "pt" or "pytorch" => ExportFormat.Torch,
                var f => throw new ArgumentException($"--format '{f}' is not valid; use onnx, safetensors or torch"),
            };
            var result = new ExportTask(new ExportOptions
            {
                Model = r.GetValue(model)!, Format = fmt, ImgSz = r.GetValue(imgsz), Batch = r.GetValue(batch), Dynamic = r.GetValue(dynamic),
                Opset = r.GetValue(opset), Half = r.GetValue(half), Output = r.GetValue(output), Data = r.GetValue(data), Weights = r.GetValue(weights),
                Int8 = r.GetValue(int8Flag), Int8Options = int8.Parse(r, r.GetValue(data)),
            }, new ConsoleLogger()).Run();
            if (result.Int8 is { } report) Int8Arguments.Print(report);
            Console.WriteLine($"Exported {result.Format.ToString().ToLowerInvariant()} ({result.Bytes / 1e6:F1} MB{(fmt == ExportFormat.Onnx ? $", imgsz {result.ImgSz}" : $", {result.Tensors} tensors")}) to {result.Path}");
            return 0;
        });
        return cmd;
    }
}
