using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>
/// safetensors files (an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte
/// range, then the raw bytes). Tensors are read by TorchSharp.PyBridge; the writer is ours because PyBridge's cannot
/// store <c>__metadata__</c>, where GhostYolo keeps the model YAML, class names and image size.
/// </summary>
internal static class SafetensorsFile
{
    public const string Extension = ".safetensors";

    public static bool IsSafetensors(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    public static Dictionary<string, Tensor> Read(string path)
    {
        ReadMetadata(path); // validates the header with a clear message before PyBridge reads it
        try { return TorchSharp.PyBridge.Safetensors.LoadStateDict(path); }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: cannot read the safetensors tensors ({e.Message})", e);
        }
    }

    /// <summary>The header's <c>__metadata__</c> (string → string; empty when absent).</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file '{path}' not found", path);
        using var fs = File.OpenRead(path);
        Span<byte> len = stackalloc byte[8];
        if (fs.Read(len) < 8) throw new InvalidDataException($"{path}: too short for a safetensors file");
        long n = BinaryPrimitives.ReadInt64LittleEndian(len);
        if (n <= 0 || n > 100_000_000 || n > fs.Length - 8) throw new InvalidDataException($"{path}: not a safetensors file (header length {n})");
        var header = new byte[n];
        fs.ReadExactly(header);
        JsonObject root;
        try { root = JsonNode.Parse(header)!.AsObject(); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: the safetensors header is not valid JSON ({e.Message})", e); }
        long dataLength = fs.Length - 8 - n;
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__") continue;
            var end = node?["data_offsets"]?[1]?.GetValue<long>() ?? -1;
            if (end < 0 || end > dataLength) throw new InvalidDataException($"{path}: tensor '{name}' reaches past the end of the file (truncated?)");
        }
        return root["__metadata__"] is JsonObject meta
            ? meta.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "")
            : [];
    }

    /// <summary>Writes <paramref name="tensors"/> (in the given order) with <paramref name="metadata"/>, to a temp file then renamed.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            using var t = tensor.detach().cpu().contiguous();
            var bytes = t.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DType(t.dtype),
                ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format asks for the data to start 8-byte aligned: pad the header with spaces.
        int pad = (8 - json.Length % 8) % 8;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        using (var fs = File.Create(tmp))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(len, json.Length + pad);
            fs.Write(len);
            fs.Write(json);
            for (int i = 0; i < pad; i++) fs.WriteByte((byte)' ');
            foreach (var b in blobs) fs.Write(b);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static string DType(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {t} has no safetensors name"),
    };
}
