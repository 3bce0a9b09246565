using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx.Quantization;

/// <summary>
/// Operations between convolutions that ONNX Runtime's CPU engine runs on 8-bit tensors when they sit between
/// DequantizeLinear and QuantizeLinear: with them quantized, activations stay 8-bit (and in the NHWC layout of its integer
/// convolutions) from one convolution to the next, instead of being dequantized, transposed back and requantized around
/// every residual add, concatenation, pooling and upsampling.
/// </summary>
[Flags]
internal enum Int8Ops
{
    None = 0,
    /// <summary>Residual adds (QLinearAdd), the output requantized to its own calibrated range.</summary>
    Add = 1,
    /// <summary>Concatenations (QLinearConcat): its own calibrated range, or one scale shared with its inputs
    /// (<see cref="QdqOptions.ShareConcatScales"/>).</summary>
    Concat = 2,
    /// <summary>MaxPool on uint8; the output keeps the input's scale, so no requantization happens.</summary>
    MaxPool = 4,
    /// <summary>Nearest-neighbour Resize on uint8; the output keeps the input's scale.</summary>
    Resize = 8,
    /// <summary>Split and Slice on uint8; the outputs keep the input's scale.</summary>
    Split = 16,
    All = Add | Concat | MaxPool | Resize | Split,
}

/// <summary>Chooses the operations of a graph that run in 8 bits (<see cref="Int8Ops"/>) and names their calibration points.</summary>
internal static class IntegerOps
{
    /// <summary>The <see cref="Int8Ops"/> kind of <paramref name="n"/>, or <see cref="Int8Ops.None"/> when it has no 8-bit form here.</summary>
    public static Int8Ops Kind(OnnxNode n) => n.Op switch
    {
        "Add" => Int8Ops.Add,
        "Concat" => Int8Ops.Concat,
        "MaxPool" => Int8Ops.MaxPool,
        // Only nearest: a linear Resize interpolates new values, which the input's scale need not cover exactly.
        "Resize" when n.Attributes.Any(a => a.Name == "mode" && a.Value is "nearest") => Int8Ops.Resize,
        "Split" or "Slice" => Int8Ops.Split,
        _ => Int8Ops.None,
    };

    /// <summary>Add and Concat compute new values and get a calibrated output range; the others only move values, so
    /// their outputs keep their input's scale and zero point (ONNX Runtime drops their Q/DQ only when the two are equal).</summary>
    public static bool Requantizes(OnnxNode n) => n.Op is "Add" or "Concat";

    /// <summary>The inputs that carry activations (the rest are constants: split sizes, Resize scales, Slice bounds).</summary>
    public static IEnumerable<string> DataInputs(OnnxNode n) => Requantizes(n) ? n.Inputs : [n.Inputs[0]];

    /// <summary>The calibration key of each requantizing node, by node index: <c>add{j}.out</c>, <c>concat{j}.out</c>, j its
    /// position among the graph's nodes of that type (stable across exports of one model).</summary>
    public static Dictionary<int, string> Keys(IReadOnlyList<OnnxNode> nodes)
    {
        var keys = new Dictionary<int, string>();
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < nodes.Count; i++)
        {
            if (!Requantizes(nodes[i])) continue;
            string op = nodes[i].Op.ToLowerInvariant();
            int j = seen.GetValueOrDefault(op);
            seen[op] = j + 1;
            keys[i] = $"{op}{j}.out";
        }
        return keys;
    }

    /// <summary>
    /// The largest set of nodes of the <paramref name="allowed"/> kinds in which every node has all its activation inputs
    /// quantized (in <paramref name="quantized"/> or produced by a node of the set) and at least one output read by a
    /// quantized convolution (its input, one of <paramref name="quantizedConvs"/>) or by a node of the set. The second
    /// condition keeps, e.g., the head's concatenation of box and class outputs in float: it feeds only the decode.
    /// </summary>
    /// <param name="usable">Whether a node may run in 8 bits at all (e.g. its calibrated range is known).</param>
    public static HashSet<int> Select(IReadOnlyList<OnnxNode> nodes, Int8Ops allowed, IReadOnlySet<string> quantized,
        IReadOnlySet<int> quantizedConvs, Func<int, bool> usable)
    {
        var producer = new Dictionary<string, int>();
        var readers = new Dictionary<string, List<(int Node, int Slot)>>();
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (var o in nodes[i].Outputs) producer[o] = i;
            for (int s = 0; s < nodes[i].Inputs.Length; s++)
            {
                if (!readers.TryGetValue(nodes[i].Inputs[s], out var list)) readers[nodes[i].Inputs[s]] = list = [];
                list.Add((i, s));
            }
        }
        var set = Enumerable.Range(0, nodes.Count)
            .Where(i => Kind(nodes[i]) is var k && k != Int8Ops.None && (allowed & k) == k && usable(i)).ToHashSet();
        bool Quantized(string x) => quantized.Contains(x) || producer.TryGetValue(x, out int p) && set.Contains(p);
        bool ReadInt8(string x) => readers.GetValueOrDefault(x, []).Any(r => r.Slot == 0 && quantizedConvs.Contains(r.Node) || set.Contains(r.Node));
        // Removing a node can only break the conditions of others: repeat until nothing changes (the greatest such set).
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (int i in set.ToList())
                if (!DataInputs(nodes[i]).All(Quantized) || !nodes[i].Outputs.Any(ReadInt8))
                {
                    set.Remove(i);
                    changed = true;
                }
        }
        return set;
    }
}
