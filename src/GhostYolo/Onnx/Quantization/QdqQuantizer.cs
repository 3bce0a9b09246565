using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx.Quantization;

/// <summary>
/// Rewrites a float <see cref="OnnxGraph"/> into ONNX's QDQ form, the post-training static quantization ONNX Runtime's
/// CPU engine turns into integer kernels: each quantized activation passes QuantizeLinear → DequantizeLinear (uint8, per
/// tensor), each quantized convolution reads int8 weights (per output channel, symmetric) and an int32 bias through
/// DequantizeLinear. ONNX Runtime fuses DQ → Conv → Q into QLinearConv, and DQ → Sigmoid/Mul → Q (SiLU) into its
/// QLinearSigmoid / QLinearMul. Between convolutions, residual adds, concatenations, max-pooling, nearest upsampling and
/// splits are quantized too where all their inputs are (<see cref="Int8Ops"/>), so activations stay 8-bit from one
/// convolution to the next; the head's decode (DFL, box arithmetic) stays float. Written here because ONNX Runtime's
/// quantization tools are Python-only.
/// </summary>
internal static class QdqQuantizer
{
    /// <summary>Changes when the quantization points or their keys change: cached calibrations of older versions are redone.</summary>
    public const int Version = 3;   // 3: adds and concatenations between convolutions are calibration points

    /// <summary>A tensor whose range calibration measures: <paramref name="Key"/> names it stably across exports of one model;
    /// <paramref name="Conv"/> is the convolution it belongs to, −1 for the output of an add or concatenation.</summary>
    public readonly record struct Point(string Key, string Tensor, int Conv);

    /// <summary>Indices (into <see cref="OnnxGraph.Nodes"/>) of the convolutions with constant weights, in graph order;
    /// a convolution's position in this list is its number k in the plan.</summary>
    public static List<int> Convs(OnnxGraph g)
        => [.. g.Nodes.Select((n, i) => (n, i)).Where(p => p.n.Op == "Conv" && g.FloatInitializer(p.n.Inputs[1]) is not null).Select(p => p.i)];

    /// <summary>Each numbered convolution as "model.4 3×3 32→64 g32 /2" (scope, kernel, channels, groups, stride).</summary>
    public static List<string> Describe(OnnxGraph g) => [.. Convs(g).Select(i =>
    {
        var n = g.Nodes[i];
        var shape = g.FloatInitializer(n.Inputs[1])!.Value.Shape;
        long group = n.Attributes.FirstOrDefault(a => a.Name == "group").Value is long gr ? gr : 1;
        long stride = n.Attributes.FirstOrDefault(a => a.Name == "strides").Value is long[] st ? st[0] : 1;
        return $"{n.Scope ?? "?"} {shape[2]}×{shape[3]} {shape[1] * group}→{shape[0]}{(group > 1 ? $" g{group}" : "")}{(stride > 1 ? $" /{stride}" : "")}";
    })];

    /// <summary>Every quantization point: each convolution's input and output and, when a SiLU (Sigmoid, Mul) follows, its
    /// two results; then the output of each add and concatenation that can run in 8 bits when every convolution does.</summary>
    public static List<Point> Points(OnnxGraph g)
    {
        var nodes = g.Nodes;
        var consumers = Consumers(nodes);
        var points = new List<Point>();
        var convs = Convs(g);
        for (int k = 0; k < convs.Count; k++)
        {
            var conv = nodes[convs[k]];
            string y = conv.Outputs[0];
            points.Add(new($"conv{k}.in", conv.Inputs[0], k));
            points.Add(new($"conv{k}.out", y, k));
            var next = consumers.GetValueOrDefault(y, []);
            if (next.Count == 2 && next.FirstOrDefault(n => nodes[n].Op == "Sigmoid") is var s && nodes[s].Op == "Sigmoid"
                && next.First(n => n != s) is var m && nodes[m].Op == "Mul"
                && nodes[m].Inputs.Order().SequenceEqual(new[] { y, nodes[s].Outputs[0] }.Order()))
            {
                points.Add(new($"conv{k}.sigmoid", nodes[s].Outputs[0], k));
                points.Add(new($"conv{k}.act", nodes[m].Outputs[0], k));
            }
        }
        var keys = IntegerOps.Keys(nodes);
        var ops = IntegerOps.Select(nodes, Int8Ops.All, points.Select(p => p.Tensor).ToHashSet(), convs.ToHashSet(), _ => true);
        foreach (int i in ops.Where(keys.ContainsKey).Order()) points.Add(new(keys[i], nodes[i].Outputs[0], -1));
        return points;
    }

    /// <summary>Quantizes every convolution of <paramref name="g"/> except <see cref="QuantizationPlan.FloatConvs"/>, and the
    /// operations between them that <see cref="QuantizationPlan.Options"/> allows, in place.</summary>
    /// <exception cref="InvalidDataException">The plan lacks a range the graph needs (it was calibrated on another model).</exception>
    public static void Apply(OnnxGraph g, QuantizationPlan plan)
    {
        var nodes = g.Nodes;
        var convs = Convs(g);
        var floatConvs = plan.FloatConvs.ToHashSet();
        var ranges = new Dictionary<string, ActivationRange>();   // tensor → range; a tensor shared by several points keeps the first
        foreach (var p in Points(g).Where(p => p.Conv >= 0 && !floatConvs.Contains(p.Conv)))
        {
            if (!plan.Ranges.TryGetValue(p.Key, out var r))
                throw new InvalidDataException($"the int8 calibration has no range for {p.Key} (conv {p.Conv}): it was made for another model; calibrate again");
            ranges.TryAdd(p.Tensor, r);
        }
        var quantizedConvs = convs.Where((_, k) => !floatConvs.Contains(k)).ToHashSet();
        var integerOps = AddIntegerOps(nodes, plan, ranges, quantizedConvs);
        var dequantized = new Dictionary<string, string>();       // float tensor → its Q → DQ copy
        var result = new List<OnnxNode>(nodes.Count * 2);

        // uint8 images / 255 quantized with step 1/255 are the images themselves: read them directly (no Cast, Div, Quantize).
        foreach (var (tensor, pixels) in ImageTensors(g))
            if (ranges.TryGetValue(tensor, out var r) && r.Min >= 0 && r.Max <= 1)
            {
                string dq = g.NewName("DequantizeLinear");
                result.Add(new OnnxNode("DequantizeLinear", [pixels, g.Floats([1f / 255]), g.UInt8s([0])], [dq], []));
                dequantized[tensor] = dq;
                ranges[tensor] = new ActivationRange(0, 1);   // step 1/255, zero point 0: the scale the first convolution's bias uses
            }

        void QuantizeTensor(string tensor)
        {
            if (!ranges.TryGetValue(tensor, out var r) || dequantized.ContainsKey(tensor)) return;
            var (scale, zp) = r.UInt8();
            string s = g.Floats([scale]), z = g.UInt8s([zp]);
            string q = g.NewName("QuantizeLinear"), dq = g.NewName("DequantizeLinear");
            result.Add(new OnnxNode("QuantizeLinear", [tensor, s, z], [q], []));
            result.Add(new OnnxNode("DequantizeLinear", [q, s, z], [dq], []));
            dequantized[tensor] = dq;
        }

        // Graph inputs first (an ONNX file's float image input feeds the first convolution directly).
        foreach (var input in nodes.SelectMany(n => n.Inputs).Where(i => ranges.ContainsKey(i) && !nodes.Any(n => n.Outputs.Contains(i))).Distinct().ToList())
            QuantizeTensor(input);
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var inputs = node.Inputs.Select(x => dequantized.GetValueOrDefault(x, x)).ToArray();
            if (integerOps.Contains(i) && plan.Options.UpsampleByExpand && Upsampling.Factors(g, node) is { } factors
                && result.LastOrDefault(n => n.Op == "DequantizeLinear" && n.Outputs[0] == inputs[0]) is { Inputs.Length: 3 } source)
            {
                dequantized[node.Outputs[0]] = Upsampling.OnBytes(g, source, factors, result);
                continue;
            }
            if (quantizedConvs.Contains(i)) inputs = QuantizedConvInputs(g, node, inputs, ranges[node.Inputs[0]], result, plan.Options);
            result.Add(node with { Inputs = inputs });
            foreach (var o in node.Outputs) QuantizeTensor(o);
        }
        g.ReplaceNodes(WithoutDeadNodes(result, outputs: nodes.Count > 0 ? GraphOutputs(nodes) : []));
        g.RemoveUnusedInitializers();
    }

    /// <summary>Ranges for the outputs of the operations between quantized convolutions that run in 8 bits: an add or
    /// concatenation its calibrated range, a pooling, upsampling or split its input's (one scale for both, so ONNX Runtime
    /// runs it on the 8-bit values as they are). With <see cref="QdqOptions.ShareConcatScales"/> a concatenation and its
    /// inputs also share one scale. Tensors sharing a scale get the union of their ranges.</summary>
    private static HashSet<int> AddIntegerOps(IReadOnlyList<OnnxNode> nodes, QuantizationPlan plan, Dictionary<string, ActivationRange> ranges, HashSet<int> quantizedConvs)
    {
        var keys = IntegerOps.Keys(nodes);
        // An add or concatenation without a calibrated range (a plan made before they were points) stays float.
        var ops = IntegerOps.Select(nodes, plan.Options.Ops, ranges.Keys.ToHashSet(), quantizedConvs,
            i => !keys.TryGetValue(i, out var key) || plan.Ranges.ContainsKey(key));
        var parent = new Dictionary<string, string>();
        string Find(string x)
        {
            while (parent.TryGetValue(x, out var p)) x = p;
            return x;
        }
        void Union(string a, string b)
        {
            string ra = Find(a), rb = Find(b);
            if (ra != rb) parent[ra] = rb;
        }
        foreach (int i in ops.Order())
        {
            var n = nodes[i];
            if (keys.TryGetValue(i, out var key)) ranges.TryAdd(n.Outputs[0], plan.Ranges[key]);
            if (!IntegerOps.Requantizes(n)) foreach (var o in n.Outputs) Union(o, n.Inputs[0]);
            else if (n.Op == "Concat" && plan.Options.ShareConcatScales) foreach (var x in n.Inputs) Union(x, n.Outputs[0]);
        }
        foreach (var group in parent.Keys.Concat(parent.Values).Distinct().GroupBy(Find))
        {
            var members = group.ToList();
            var known = members.Where(ranges.ContainsKey).Select(t => ranges[t]).ToList();
            var union = new ActivationRange(known.Min(r => r.Min), known.Max(r => r.Max));
            foreach (var t in members) ranges[t] = union;
        }
        return ops;
    }

    /// <summary>Values <c>Div(Cast(x), 255)</c> of a uint8 graph input x: (the float value, x).</summary>
    private static IEnumerable<(string Tensor, string Pixels)> ImageTensors(OnnxGraph g)
    {
        var byOutput = g.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        foreach (var div in g.Nodes.Where(n => n.Op == "Div"))
        {
            if (!byOutput.TryGetValue(div.Inputs[0], out var cast) || cast.Op != "Cast" || byOutput.ContainsKey(cast.Inputs[0])) continue;
            if (g.FloatInitializer(div.Inputs[1]) is not { Values: [255f] }) continue;
            if (cast.Attributes.FirstOrDefault(a => a.Name == "to").Value is not long to || to != (long)OnnxGraph.ElementType.Float) continue;
            if (g.IsInput(cast.Inputs[0], OnnxGraph.ElementType.UInt8)) yield return (div.Outputs[0], cast.Inputs[0]);
        }
    }

    /// <summary>Values no node reads: the graph's outputs are the last node outputs that nothing consumes (as built).</summary>
    private static HashSet<string> GraphOutputs(IReadOnlyList<OnnxNode> nodes)
    {
        var read = nodes.SelectMany(n => n.Inputs).ToHashSet();
        return [.. nodes.SelectMany(n => n.Outputs).Where(o => !read.Contains(o))];
    }

    /// <summary>Drops nodes whose outputs nothing reads (and that are not graph outputs), repeatedly.</summary>
    private static List<OnnxNode> WithoutDeadNodes(List<OnnxNode> nodes, HashSet<string> outputs)
    {
        while (true)
        {
            var read = nodes.SelectMany(n => n.Inputs).ToHashSet();
            var live = nodes.Where(n => n.Outputs.Any(o => read.Contains(o) || outputs.Contains(o))).ToList();
            if (live.Count == nodes.Count) return live;
            nodes = live;
        }
    }

    /// <summary>int8 weights and int32 bias behind DequantizeLinear nodes (added to <paramref name="result"/>). A convolution
    /// whose input channels are not a multiple of 4 (the image's 3) reads its 8-bit input padded with zero-point channels and
    /// zero weights for them: ONNX Runtime's fast symmetric kernels (MLAS ConvSym, VNNI) take only multiples of 4, and the
    /// first convolution otherwise falls back to im2col and a generic GEMM, its slowest integer path.</summary>
    private static string[] QuantizedConvInputs(OnnxGraph g, OnnxNode conv, string[] inputs, ActivationRange inputRange, List<OnnxNode> result, QdqOptions options)
    {
        var (w, shape) = g.FloatInitializer(conv.Inputs[1])!.Value;
        int cout = (int)shape[0];
        var rewritten = inputs.ToArray();
        long group = conv.Attributes.FirstOrDefault(a => a.Name == "group").Value is long gr ? gr : 1;
        int cin = (int)shape[1], aligned = (cin + 3) / 4 * 4;
        if (options.AlignInputChannels && group == 1 && aligned != cin
            && result.LastOrDefault(n => n.Op == "DequantizeLinear" && n.Outputs[0] == inputs[0]) is { Inputs.Length: 3 } dq)
        {
            string padded = g.NewName("Pad"), paddedDq = g.NewName("DequantizeLinear");
            result.Add(new OnnxNode("Pad", [dq.Inputs[0], g.Int64s(0, 0, 0, 0, 0, aligned - cin, 0, 0), dq.Inputs[2]], [padded], [("mode", "constant")]));
            result.Add(new OnnxNode("DequantizeLinear", [padded, dq.Inputs[1], dq.Inputs[2]], [paddedDq], []));
            rewritten[0] = paddedDq;
            (w, shape) = (PadInputChannels(w, shape, aligned), [shape[0], aligned, .. shape[2..]]);
        }
        var (wq, ws) = WeightQuantizer.PerChannel(w, cout);
        string wdq = g.NewName("DequantizeLinear");
        result.Add(new OnnxNode("DequantizeLinear", [g.Int8s(wq, shape), g.Floats(ws, cout), g.Int8s(new sbyte[cout], cout)], [wdq], [("axis", 0L)]));
        rewritten[1] = wdq;
        if (conv.Inputs.Length > 2 && conv.Inputs[2].Length > 0 && g.FloatInitializer(conv.Inputs[2]) is { } bias)
        {
            var (bq, bs) = WeightQuantizer.Bias(bias.Values, ws, inputRange.UInt8().Scale);
            string bdq = g.NewName("DequantizeLinear");
            result.Add(new OnnxNode("DequantizeLinear", [g.Int32s(bq, cout), g.Floats(bs, cout), g.Int32s(new int[cout], cout)], [bdq], [("axis", 0L)]));
            rewritten[2] = bdq;
        }
        return rewritten;
    }

    /// <summary>(Cout, Cin, …) weights widened to <paramref name="channels"/> input channels, the new ones zero.</summary>
    private static float[] PadInputChannels(float[] w, long[] shape, int channels)
    {
        int cout = (int)shape[0], cin = (int)shape[1], k = w.Length / (cout * cin);
        var padded = new float[cout * channels * k];
        for (int o = 0; o < cout; o++) Array.Copy(w, o * cin * k, padded, o * channels * k, cin * k);
        return padded;
    }

    private static Dictionary<string, List<int>> Consumers(IReadOnlyList<OnnxNode> nodes)
    {
        var map = new Dictionary<string, List<int>>();
        for (int i = 0; i < nodes.Count; i++)
            foreach (var x in nodes[i].Inputs.Distinct())
            {
                if (!map.TryGetValue(x, out var list)) map[x] = list = [];
                list.Add(i);
            }
        return map;
    }
}
