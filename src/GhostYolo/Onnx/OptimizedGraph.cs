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

    /// <summary>SiLUs run as one uint8 table lookup (<see cref="SiluLookup"/>).</summary>
    public int SiluLookups => Count(LookupOp.Name);

    /// <summary>"42 integer, 3 float convolutions" (", 57 SiLU lookups" when there are any).</summary>
    public string ConvSummary => $"{IntegerConvs} integer, {FloatConvs} float convolutions" + (SiluLookups > 0 ? $", {SiluLookups} SiLU lookups" : "");

    /// <summary>The graph a session runs for <paramref name="model"/> (<paramref name="threads"/> intra-op threads; for an
    /// <paramref name="int8"/> model, with its SiLUs as lookups), its nodes counted.</summary>
    public static OptimizedGraph Inspect(byte[] model, int threads = 1, bool int8 = false)
        => new(ReadOpCounts(int8 ? OrtRun.Int8Graph(model, threads).Model : OrtRun.Optimize(model, threads)));

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
        foreach (var f in Fields(data))
            if (f.WireType == 2) result.Add((f.Number, data[f.Value].ToArray()));
        return result;
    }

    /// <summary>One field of a message: its number and wire type, where the whole field (tag included) lies, and where its
    /// payload lies (for length-delimited fields, the bytes after the length).</summary>
    public readonly record struct Field(int Number, int WireType, Range Whole, Range Value);

    /// <summary>Every field of a message in order, so a rewrite can copy the ones it does not change byte for byte.</summary>
    public static List<Field> Fields(ReadOnlySpan<byte> data)
    {
        var result = new List<Field>();
        int i = 0;
        while (i < data.Length)
        {
            int start = i;
            ulong tag = Varint(data, ref i);
            int wire = (int)(tag & 7), valueStart = i;
            switch (wire)
            {
                case 0: Varint(data, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    int length = (int)Varint(data, ref i);
                    valueStart = i;
                    i += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {wire} at byte {start} is not supported");
            }
            result.Add(new Field((int)(tag >> 3), wire, start..i, valueStart..i));
        }
        return result;
    }

    /// <summary>The varint at the start of <paramref name="data"/> (a varint field's payload).</summary>
    public static ulong Varint(ReadOnlySpan<byte> data)
    {
        int i = 0;
        return Varint(data, ref i);
    }

    /// <summary>A packed repeated varint field's values.</summary>
    public static List<ulong> PackedVarints(ReadOnlySpan<byte> data)
    {
        var values = new List<ulong>();
        for (int i = 0; i < data.Length;) values.Add(Varint(data, ref i));
        return values;
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
