using System.Text;
using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx;

/// <summary>
/// Rewrites ONNX Runtime's optimized int8 graph so that each SiLU runs as one table lookup. ONNX Runtime turns the QDQ
/// SiLU (DQ → Sigmoid → Q, DQ → Mul → Q) into <c>QLinearSigmoid</c> followed by <c>QLinearMul(X, sigmoid)</c>: two passes over
/// the uint8 activation, which on YOLOv8n at 640 took 8.7 of the 19.9 ms of an int8 forward pass on two threads. Its
/// output depends on X's 256 possible values alone, so <see cref="LookupOp"/> with a 256-byte table does it in one
/// pass. The table is SiLU evaluated exactly between X's and the output's quantization (one rounding instead of two).
/// The rewrite works on the optimized graph, already in the NHWC layout of the integer convolutions, and the result is
/// loaded with graph optimization off, so no layout pass sees the unknown operator and wraps it in transposes.
/// </summary>
internal static class SiluLookup
{
    private const string MicrosoftDomain = "com.microsoft";

    private sealed record Node(string Op, string Domain, string Name, string[] Inputs, string[] Outputs, Range Whole);

    /// <summary>The rewritten model and how many SiLUs became lookups (0: <paramref name="optimizedModel"/> unchanged).</summary>
    public static (byte[] Model, int Fused) Rewrite(byte[] optimizedModel)
    {
        var modelFields = ProtoReader.Fields(optimizedModel);
        var graphField = modelFields.Single(f => f.Number == 7);
        var graph = optimizedModel.AsSpan(graphField.Value).ToArray();
        var graphFields = ProtoReader.Fields(graph);

        var nodes = graphFields.Where(f => f.Number == 1).Select(f => ParseNode(graph, f)).ToList();
        var scalarFields = graphFields.Where(f => f.Number == 5).Select(f => (f.Whole, Scalar: ParseScalar(graph.AsSpan(f.Value))))
            .Where(t => t.Scalar is not null).Select(t => (t.Whole, Scalar: t.Scalar!.Value)).ToList();
        var scalars = scalarFields.ToDictionary(t => t.Scalar.Name, t => t.Scalar);
        var graphOutputs = new HashSet<string>(); // ValueInfoProto.name = 1
        foreach (var f in graphFields.Where(f => f.Number == 12))
            foreach (var (nf, v) in ProtoReader.Messages(graph.AsSpan(f.Value)))
                if (nf == 1) graphOutputs.Add(Encoding.UTF8.GetString(v));

        var consumersOf = new Dictionary<string, List<Node>>();
        foreach (var n in nodes)
            foreach (var input in n.Inputs.Distinct())
                (consumersOf.TryGetValue(input, out var list) ? list : consumersOf[input] = []).Add(n);

        var replaced = new Dictionary<Range, byte[]?>(); // a node's bytes → its replacement (null: dropped)
        var tables = new List<byte[]>();
        foreach (var sigmoid in nodes.Where(n => n.Op == "QLinearSigmoid" && n.Domain == MicrosoftDomain && n.Inputs.Length == 5))
        {
            string x = sigmoid.Inputs[0], s = sigmoid.Outputs[0];
            if (graphOutputs.Contains(s) || !consumersOf.TryGetValue(s, out var consumers) || consumers.Count != 1) continue;
            var mul = consumers[0];
            if (mul.Op != "QLinearMul" || mul.Domain != MicrosoftDomain || mul.Inputs.Length != 8) continue;
            int xSide = mul.Inputs[0] == x && mul.Inputs[3] == s ? 0 : mul.Inputs[3] == x && mul.Inputs[0] == s ? 3 : -1;
            if (xSide < 0) continue;
            if (!TryUInt8(scalars, sigmoid.Inputs[1], sigmoid.Inputs[2], out var input)
                || !TryUInt8(scalars, mul.Inputs[xSide + 1], mul.Inputs[xSide + 2], out var mulInput) || mulInput != input
                || !TryUInt8(scalars, mul.Inputs[6], mul.Inputs[7], out var output)) continue;

            string tableName = $"{mul.Outputs[0]}_silu_table";
            tables.Add(Initializer(tableName, Table(input, output)));
            replaced[sigmoid.Whole] = new ProtoWriter()
                .String(1, x).String(1, tableName).String(2, mul.Outputs[0])
                .String(3, $"{sigmoid.Name}_silu_lookup").String(4, LookupOp.Name).String(7, LookupOp.Domain).ToArray();
            replaced[mul.Whole] = null;
        }
        if (tables.Count == 0) return (optimizedModel, 0);

        // The scales and zero points only the replaced nodes read go too (ONNX Runtime would warn about each).
        var stillUsed = nodes.Where(n => !replaced.ContainsKey(n.Whole)).SelectMany(n => n.Inputs).ToHashSet();
        var orphans = nodes.Where(n => replaced.ContainsKey(n.Whole)).SelectMany(n => n.Inputs).Where(i => !stillUsed.Contains(i)).ToHashSet();
        var droppedInitializers = scalarFields.Where(t => orphans.Contains(t.Scalar.Name)).Select(t => t.Whole).ToHashSet();

        var newGraph = new MemoryStream();
        foreach (var f in graphFields)
        {
            if (f.Number == 1 && replaced.TryGetValue(f.Whole, out var node))
            {
                if (node is not null) newGraph.Write(new ProtoWriter().Bytes(1, node).ToArray());
                continue;
            }
            if (f.Number == 5 && droppedInitializers.Contains(f.Whole)) continue;
            newGraph.Write(graph.AsSpan(f.Whole));
        }
        foreach (var t in tables) newGraph.Write(new ProtoWriter().Bytes(5, t).ToArray());

        var model = new MemoryStream();
        foreach (var f in modelFields)
        {
            if (f.Number == 7) model.Write(new ProtoWriter().Bytes(7, newGraph.ToArray()).ToArray());
            else model.Write(optimizedModel.AsSpan(f.Whole));
        }
        model.Write(new ProtoWriter().Message(8, new ProtoWriter().String(1, LookupOp.Domain).Int(2, 1)).ToArray()); // opset_import
        return (model.ToArray(), tables.Count);
    }

    /// <summary>SiLU from uint8 X (scale, zero point) to uint8 Y, for each of X's 256 values; rounding half to even and
    /// saturating, as QuantizeLinear does.</summary>
    public static byte[] Table((float Scale, byte Zero) input, (float Scale, byte Zero) output)
    {
        var table = new byte[256];
        for (int q = 0; q < 256; q++)
        {
            double x = (q - input.Zero) * (double)input.Scale;
            double silu = x / (1 + Math.Exp(-x));
            double y = Math.Round(silu / output.Scale, MidpointRounding.ToEven) + output.Zero;
            table[q] = (byte)Math.Clamp(y, 0, 255);
        }
        return table;
    }

    private static bool TryUInt8(Dictionary<string, (string Name, int Type, double Value)> scalars, string scale, string zero,
        out (float Scale, byte Zero) quantization)
    {
        quantization = default;
        if (!scalars.TryGetValue(scale, out var s) || s.Type != 1 || !scalars.TryGetValue(zero, out var z) || z.Type != 2) return false;
        quantization = ((float)s.Value, (byte)z.Value);
        return true;
    }

    private static Node ParseNode(byte[] graph, ProtoReader.Field field)
    {
        string op = "", domain = "", name = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        foreach (var (f, v) in ProtoReader.Messages(graph.AsSpan(field.Value)))
        {
            var text = Encoding.UTF8.GetString(v);
            switch (f)
            {
                case 1: inputs.Add(text); break;
                case 2: outputs.Add(text); break;
                case 3: name = text; break;
                case 4: op = text; break;
                case 7: domain = text; break;
            }
        }
        return new Node(op, domain, name, [.. inputs], [.. outputs], field.Whole);
    }

    /// <summary>A TensorProto holding one float (data_type 1) or uint8 (2) value, or null for anything else.</summary>
    private static (string Name, int Type, double Value)? ParseScalar(ReadOnlySpan<byte> tensor)
    {
        string name = "";
        int type = 0;
        double? value = null;
        foreach (var f in ProtoReader.Fields(tensor))
        {
            var v = tensor[f.Value];
            switch (f.Number, f.WireType)
            {
                case (1, 0) when ProtoReader.Varint(v) != 1: return null;
                case (1, 2) when ProtoReader.PackedVarints(v).Any(d => d != 1): return null;
                case (2, 0): type = (int)ProtoReader.Varint(v); break;
                case (8, 2): name = Encoding.UTF8.GetString(v); break;
                case (9, 2): value = v.Length == 4 ? BitConverter.ToSingle(v) : v.Length == 1 ? v[0] : null; break; // raw_data
                case (4, 2) when v.Length == 4: value = BitConverter.ToSingle(v); break; // float_data, packed
                case (4, 5): value = BitConverter.ToSingle(v); break;
                case (5, 2): value = ProtoReader.PackedVarints(v).Single(); break; // int32_data carries uint8, packed
                case (5, 0): value = ProtoReader.Varint(v); break;
                case (7, _) or (13, _) or (14, _): return null; // segment, external data, data_location
            }
        }
        return value is null || type is not (1 or 2) ? null : (name, type, value.Value);
    }

    private static byte[] Initializer(string name, byte[] values)
        => new ProtoWriter().Int(1, values.Length).Int(2, 2).String(8, name).Bytes(9, values).ToArray();
}
