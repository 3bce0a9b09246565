using Microsoft.ML.OnnxRuntime;

using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx;

/// <summary>
/// What ONNX Runtime actually runs for a model: the node types of its optimized graph (saved through
/// <c>SessionOptions.OptimizedModelFilePath</c> and read back). A QDQ model whose convolutions were not fused into
/// integer kernels shows them here as float <c>Conv</c>/<c>FusedConv</c> between DequantizeLinear nodes, so an unfused
/// graph cannot pass for int8.
/// </summary>
internal sealed record OptimizedGraph(IReadOnlyDictionary<string, int> OpCounts)
{
    /// <summary>Convolutions run by integer kernels (QLinearConv, ConvInteger).</summary>
    public int IntegerConvs => Count("QLinearConv") + Count("ConvInteger");
    /// <summary>Convolutions run in float (Conv, FusedConv, NCHWc Conv).</summary>
    public int FloatConvs => Count("Conv") + Count("FusedConv");

    public int Count(string op) => OpCounts.GetValueOrDefault(op);

    /// <summary>"42 integer, 3 float convolutions".</summary>
    public string ConvSummary => $"{IntegerConvs} integer, {FloatConvs} float convolutions";

    /// <summary>Optimizes <paramref name="model"/> as a session would (<paramref name="threads"/> intra-op threads) and counts its nodes.</summary>
    public static OptimizedGraph Inspect(byte[] model, int threads = 1)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ghostyolo-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = OrtRun.Options(threads))
            {
                options.OptimizedModelFilePath = path;
                // ONNX Runtime warns on every save that the optimized file is tied to this CPU: true, and why it is only read here.
                options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
                using var session = new InferenceSession(model, options);
            }
            return new OptimizedGraph(ReadOpCounts(File.ReadAllBytes(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Counts <c>op_type</c> over the main graph's nodes (ModelProto.graph = 7, GraphProto.node = 1, NodeProto.op_type = 4).</summary>
    internal static Dictionary<string, int> ReadOpCounts(ReadOnlySpan<byte> model)
    {
        var counts = new Dictionary<string, int>();
        foreach (var (field, graph) in ProtoReader.Messages(model))
        {
            if (field != 7) continue;
            foreach (var (f, node) in ProtoReader.Messages(graph))
            {
                if (f != 1) continue;
                foreach (var (nf, value) in ProtoReader.Messages(node))
                    if (nf == 4)
                    {
                        var op = System.Text.Encoding.UTF8.GetString(value);
                        counts[op] = counts.GetValueOrDefault(op) + 1;
                    }
            }
        }
        return counts;
    }
}

/// <summary>Reads the length-delimited fields of a protocol-buffer message (the reverse of <see cref="ProtoWriter"/>), skipping the rest.</summary>
internal static class ProtoReader
{
    public static List<(int Field, byte[] Value)> Messages(ReadOnlySpan<byte> data)
    {
        var result = new List<(int, byte[])>();
        int i = 0;
        while (i < data.Length)
        {
            ulong tag = Varint(data, ref i);
            int field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0: Varint(data, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    int length = (int)Varint(data, ref i);
                    result.Add((field, data.Slice(i, length).ToArray()));
                    i += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {tag & 7} at byte {i} is not supported");
            }
        }
        return result;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int i)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[i++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }
}
