using System.Globalization;
using System.Text.RegularExpressions;
using GhostYolo.Nn.Modules;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>
/// A detector in an ONNX file — exported by ultralytics (<c>yolo export format=onnx</c>), by yolov5's <c>export.py</c> or by
/// <c>ghostyolo export</c> — run on ONNX Runtime. Input: <c>images</c> (N, 3, H, W) float in [0, 1]. The head's layout is
/// read from the output shape: (N, 4+nc, A) anchor-free, (N, A, 5+nc) anchor-based. Class names, stride and image size
/// come from the metadata ultralytics writes (<c>names</c>, <c>stride</c>, <c>imgsz</c>, <c>batch</c>).
/// </summary>
internal sealed partial class OnnxModelFile : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly RunOptions _runOptions = new();

    public OnnxModelFile(string path, int threads)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' not found", path);
        Path = path;
        // A quantized (QDQ) file, such as `ghostyolo export --int8` writes, runs as GhostYolo's own int8 engine does: its SiLUs as lookups.
        try
        {
            var bytes = File.ReadAllBytes(path);
            _session = OrtRun.Session(bytes, threads, int8: OptimizedGraph.ReadOpCounts(bytes).ContainsKey("QuantizeLinear"));
        }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{path}: ONNX Runtime cannot load it ({e.Message})", e); }
        if (_session.InputMetadata.Count != 1)
            throw new InvalidDataException($"{path}: expected one image input, found {_session.InputMetadata.Count}");
        var (inputName, input) = _session.InputMetadata.First();
        _input = inputName;
        if (input.ElementDataType != TensorElementType.Float || input.Dimensions.Length != 4 || input.Dimensions[1] != 3)
            throw new InvalidDataException($"{path}: input '{inputName}' must be float (N, 3, H, W); it is {input.ElementDataType} [{string.Join(", ", input.Dimensions)}]");
        FixedBatch = input.Dimensions[0] > 0 ? input.Dimensions[0] : null;
        FixedSize = input.Dimensions[2] > 0 && input.Dimensions[3] > 0 ? (input.Dimensions[2], input.Dimensions[3]) : null;

        var meta = _session.ModelMetadata.CustomMetadataMap;
        Names = meta.TryGetValue("names", out var names) ? ParseNames(names) : [];
        Stride = meta.TryGetValue("stride", out var s) && int.TryParse(s, CultureInfo.InvariantCulture, out var st) ? st : 32;
        ImgSz = FixedSize is { } f ? Math.Max(f.H, f.W)
            : meta.TryGetValue("imgsz", out var i) && Regex.Match(i, @"\d+") is { Success: true } m ? int.Parse(m.Value, CultureInfo.InvariantCulture) : 640;

        var output = _session.OutputMetadata.First().Value.Dimensions;
        if (output.Length != 3) throw new InvalidDataException($"{path}: output must be (N, 4+nc, anchors) or (N, anchors, 5+nc); it is [{string.Join(", ", output)}]");
        int nc = Names.Count;
        if (nc > 0 && output[1] == 4 + nc) Head = HeadKind.AnchorFree;
        else if (nc > 0 && output[2] == 5 + nc) Head = HeadKind.Anchors;
        else if (meta.TryGetValue("head", out var h)) Head = h == "anchor-based" ? HeadKind.Anchors : HeadKind.AnchorFree;
        else Head = output[1] > 0 && output[2] > 0 && output[1] < output[2] ? HeadKind.AnchorFree : HeadKind.Anchors;
        int inferredNc = Head == HeadKind.AnchorFree ? output[1] - 4 : output[2] - 5;
        if (Names.Count == 0 && inferredNc > 0) Names = Enumerable.Range(0, inferredNc).Select(k => $"class{k}").ToList();
        if (inferredNc > 0 && inferredNc != Names.Count)
            throw new InvalidDataException($"{path}: the output has {inferredNc} classes but the metadata names {Names.Count}");
        Nc = Names.Count;
    }

    public string Path { get; }
    public IReadOnlyList<string> Names { get; }
    public int Nc { get; }
    public HeadKind Head { get; }
    public int Stride { get; }
    /// <summary>The training size from the metadata, or the fixed input size.</summary>
    public int ImgSz { get; }
    /// <summary>The batch size the graph was exported for; null when the batch axis is dynamic.</summary>
    public int? FixedBatch { get; }
    /// <summary>The input height and width the graph was exported for; null when they are dynamic.</summary>
    public (int H, int W)? FixedSize { get; }

    /// <summary>(B, 3, H, W) uint8 RGB → the decoded head output as float32.</summary>
    public Tensor Run(Tensor images)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4)
            throw new ArgumentException("expected a (B, 3, H, W) uint8 tensor", nameof(images));
        if (FixedSize is { } f && (images.shape[2] != f.H || images.shape[3] != f.W))
            throw new ArgumentException($"{Path} takes {f.H}×{f.W} inputs, got {images.shape[2]}×{images.shape[3]}");
        long n = images.shape[0];
        if (FixedBatch is { } b && n > b)
            throw new ArgumentException($"{Path} takes batches of {b}, got {n}");
        // A graph exported for a fixed batch gets a short last batch padded with blank images; their rows are dropped.
        using var padded = FixedBatch is { } fb && n < fb ? cat([images.cpu(), zeros([fb - n, .. images.shape[1..]], ScalarType.Byte)], 0) : images.cpu();
        using var x = padded.to(ScalarType.Float32).div_(255f).contiguous();
        var result = OrtRun.FirstOutput(_session, _runOptions, _input, x, TensorElementType.Float);
        if (result.shape[0] == n) return result;
        using (result) return result.narrow(0, 0, n).clone();
    }

    /// <summary>Parses ultralytics' <c>names</c> metadata, a Python dict literal such as <c>{0: 'person', 1: "it's"}</c>.</summary>
    public static List<string> ParseNames(string text)
    {
        var result = new SortedDictionary<int, string>();
        foreach (Match m in NameEntry().Matches(text))
        {
            var raw = m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["d"].Value;
            result[int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture)] = Regex.Unescape(raw);
        }
        return [.. result.Values];
    }

    [GeneratedRegex("""(?<k>\d+)\s*:\s*(?:'(?<s>(?:[^'\\]|\\.)*)'|"(?<d>(?:[^"\\]|\\.)*)")""")]
    private static partial Regex NameEntry();

    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
