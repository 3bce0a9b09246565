using System.Globalization;
using System.Text.Json;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using GhostYolo.Onnx;
using GhostYolo.Weights;
using static TorchSharp.torch;

using GhostYolo.Nn.Export;

namespace GhostYolo.Engine;

/// <summary>The file formats <c>ghostyolo export</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>ONNX as ultralytics lays it out (<c>images</c> float [0, 1] → <c>output0</c>), with its metadata.</summary>
    Onnx,
    /// <summary>safetensors with ultralytics' parameter names; the model YAML, names and image size in <c>__metadata__</c>.</summary>
    Safetensors,
    /// <summary>A <c>torch.save</c> zip of the state dict that PyTorch's <c>load_state_dict</c> accepts.</summary>
    Torch,
}

/// <summary>What to export and how (the <c>ghostyolo export</c> arguments).</summary>
public sealed record ExportOptions
{
    /// <summary>A checkpoint (<c>.gyt</c>, <c>.pt</c>, <c>.safetensors</c>) or a model YAML (random weights).</summary>
    public required string Model { get; init; }
    /// <summary>The file format to write.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Onnx;
    /// <summary>ONNX input size; null takes the size the checkpoint was trained at (640 for a YAML).</summary>
    public int? ImgSz { get; init; }
    /// <summary>ONNX batch size (ignored with <see cref="Dynamic"/>).</summary>
    public int Batch { get; init; } = 1;
    /// <summary>ONNX: a symbolic batch axis. The spatial size stays fixed (the anchor grid is a constant).</summary>
    public bool Dynamic { get; init; }
    /// <summary>ONNX opset; GhostYolo writes opset 17 only (another value is refused with the reason).</summary>
    public int Opset { get; init; } = OnnxGraph.Opset;
    /// <summary>safetensors / torch: fp16 tensors instead of fp32.</summary>
    public bool Half { get; init; }
    /// <summary>Output file; default beside the model with the format's extension.</summary>
    public string? Output { get; init; }
    /// <summary>For a YAML: class names (their count sets nc).</summary>
    public IReadOnlyList<string>? Names { get; init; }
    /// <summary>For a YAML without <see cref="Names"/>: a dataset YAML whose class names it gets.</summary>
    public string? Data { get; init; }
    /// <summary>For a YAML: a weights file in ultralytics' names (state dict, safetensors, checkpoint), loaded strictly.</summary>
    public string? Weights { get; init; }
    /// <summary>ONNX: int8 convolutions in QDQ form, calibrated as <see cref="Int8Calibration"/> does (settings in <see cref="Int8Options"/>).</summary>
    public bool Int8 { get; init; }
    /// <summary>How the int8 export is calibrated; null: the defaults of <see cref="Engine.Int8Options"/>.</summary>
    public Int8Options? Int8Options { get; init; }
}

/// <summary>What an export wrote.</summary>
/// <param name="Path">The written file.</param>
/// <param name="Format">Its format.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="ImgSz">The image size: the ONNX input size, and the size recorded in a safetensors file's metadata.</param>
/// <param name="Tensors">Tensors written (safetensors and torch; 0 for ONNX).</param>
public sealed record ExportResult(string Path, ExportFormat Format, long Bytes, int ImgSz, int Tensors)
{
    /// <summary>The calibration an int8 ONNX export used.</summary>
    internal Int8Report? Int8 { get; init; }
}

/// <summary>
/// Writes a model in a form other tools run: ONNX for deployment (ONNX Runtime, OpenCV DNN, anything that reads
/// ultralytics' ONNX files), safetensors, and a PyTorch state dict that a model ultralytics builds from the same YAML loads.
/// </summary>
public static class Exporter
{
    /// <summary>Loads <see cref="ExportOptions.Model"/> on the CPU and writes it in <see cref="ExportOptions.Format"/>. The file is written to a temporary name and renamed, so a failed export leaves no half-written file. Throws <see cref="ArgumentException"/> for options that do not fit (int8 other than ONNX, a size that is not a multiple of the stride, …).</summary>
    public static ExportResult Run(ExportOptions o, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        if (o.Int8 && o.Format != ExportFormat.Onnx) throw new ArgumentException($"--int8 is for --format onnx (got {o.Format.ToString().ToLowerInvariant()})");
        if (o.Opset != OnnxGraph.Opset)
            throw new ArgumentException($"--opset {o.Opset}: GhostYolo writes opset {OnnxGraph.Opset} (IR 8), which onnx 1.12's checker, ONNX Runtime and OpenCV DNN all read");
        if (o.Batch < 1) throw new ArgumentException($"--batch must be ≥ 1, got {o.Batch}");
        var names = o.Names ?? (o.Data is { } data ? Data.DatasetDefinition.Load(data).Names : null);
        var loaded = ModelLoader.Load(o.Model, CPU, names: names, weights: o.Weights);
        using var model = loaded.Model;
        int imgsz = o.ImgSz ?? loaded.ImgSz;
        int stride = (int)model.MaxStride;
        if (imgsz % stride != 0) throw new ArgumentException($"--imgsz {imgsz} must be a multiple of the model's stride {stride}");
        var path = o.Output ?? (o.Int8 ? Path.ChangeExtension(DefaultPath(o.Model, o.Format), null) + "_int8.onnx" : DefaultPath(o.Model, o.Format));
        Int8Report? int8 = null;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        int tensors;
        switch (o.Format)
        {
            case ExportFormat.Onnx:
            {
                model.eval();
                model.Fuse();
                var metadata = OnnxMetadata(loaded, model, imgsz, o.Dynamic ? 1 : o.Batch);
                if (o.Int8)
                {
                    int8 = Int8Calibration.Prepare(loaded, o.Int8Options ?? new Int8Options(), logger);
                    metadata["precision"] = "int8";
                    metadata["int8_calibration"] = int8.Summary;
                }
                var bytes = OnnxExporter.ExportFile(model, o.Batch, imgsz, imgsz, o.Dynamic, metadata, int8?.Plan);
                WriteAtomically(path, bytes);
                tensors = 0;
                break;
            }
            case ExportFormat.Safetensors:
            {
                var state = StateDict(model, o.Half, withBatchCounters: true);
                SafetensorsFile.Write(path, state, SafetensorsMetadata(loaded, model, imgsz));
                tensors = state.Count;
                foreach (var t in state.Values) t.Dispose();
                break;
            }
            case ExportFormat.Torch:
            {
                var state = StateDict(model, o.Half, withBatchCounters: true);
                var tmp = path + ".tmp";
                var table = new System.Collections.Specialized.OrderedDictionary();
                foreach (var (k, v) in state) table[k] = v;
                TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(tmp, table);
                File.Move(tmp, path, overwrite: true);
                tensors = state.Count;
                foreach (var t in state.Values) t.Dispose();
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(o));
        }
        return new ExportResult(path, o.Format, new FileInfo(path).Length, imgsz, tensors) { Int8 = int8 };
    }

    /// <summary>The default output file: beside the model, named after it, with the format's extension.</summary>
    internal static string DefaultPath(string model, ExportFormat format)
    {
        var dir = File.Exists(model) ? Path.GetDirectoryName(Path.GetFullPath(model))! : Directory.GetCurrentDirectory();
        var stem = Path.GetFileNameWithoutExtension(model);
        var ext = format switch
        {
            ExportFormat.Onnx => ".onnx",
            ExportFormat.Safetensors => SafetensorsFile.Extension,
            _ => TorchCheckpoint.IsTorchFile(model) ? ".state_dict.pt" : ".pt",
        };
        return Path.Combine(dir, stem + ext);
    }

    /// <summary>The model's state dict under ultralytics' names, in module order. With <paramref name="withBatchCounters"/>
    /// every BatchNorm gets the <c>num_batches_tracked</c> counter PyTorch's BatchNorm2d keeps (GhostYolo's does not), so
    /// PyTorch's <c>load_state_dict</c> in strict mode finds every key it expects in either file format.</summary>
    internal static Dictionary<string, Tensor> StateDict(DetectionModel model, bool half, bool withBatchCounters)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in model.state_dict())
        {
            var v = t.detach().cpu();
            result[name] = (half && v.is_floating_point() ? v.to(ScalarType.Float16) : v.to(v.dtype)).contiguous();
            if (withBatchCounters && name.EndsWith(".running_var", StringComparison.Ordinal))
                result[name[..^"running_var".Length] + "num_batches_tracked"] = tensor(0L);
        }
        return result;
    }

    private static Dictionary<string, string> OnnxMetadata(LoadedModel loaded, DetectionModel model, int imgsz, int batch) => new()
    {
        ["description"] = $"GhostYolo {model.Definition.DisplayName} model",
        ["author"] = "GhostYolo",
        ["date"] = DateTime.UtcNow.ToString("s", CultureInfo.InvariantCulture),
        ["version"] = typeof(Exporter).Assembly.GetName().Version?.ToString(3) ?? "0",
        ["stride"] = model.MaxStride.ToString(CultureInfo.InvariantCulture),
        ["task"] = "detect",
        ["batch"] = batch.ToString(CultureInfo.InvariantCulture),
        ["imgsz"] = $"[{imgsz}, {imgsz}]",
        ["names"] = PythonDict(loaded.Names),
        ["head"] = model.Head?.Kind == HeadKind.Anchors ? "anchor-based" : "anchor-free",
    };

    private static Dictionary<string, string> SafetensorsMetadata(LoadedModel loaded, DetectionModel model, int imgsz) => new()
    {
        ["format"] = "ghostyolo",
        [WeightsFile.YamlKey] = model.Definition.Yaml,
        ["model"] = model.Definition.DisplayName,
        ["scale"] = model.Definition.Scale ?? "",
        ["nc"] = model.Nc.ToString(CultureInfo.InvariantCulture),
        ["names"] = JsonSerializer.Serialize(loaded.Names),
        ["imgsz"] = imgsz.ToString(CultureInfo.InvariantCulture),
        ["stride"] = model.MaxStride.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Class names as Python prints a dict (<c>{0: 'person', 1: 'bicycle'}</c>), which is how ultralytics stores
    /// them in ONNX metadata and how its readers parse them back.</summary>
    internal static string PythonDict(IReadOnlyList<string> names)
        => "{" + string.Join(", ", names.Select((n, i) => $"{i}: '{n.Replace("\\", "\\\\").Replace("'", "\\'")}'")) + "}";

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }
}
