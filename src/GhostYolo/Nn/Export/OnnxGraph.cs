using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Export;

/// <summary>A block that knows its own ONNX form: given its input value names, it adds nodes and returns its outputs.</summary>
internal interface IOnnxExportable
{
    /// <summary>Mirrors <c>forward</c>: one name per input tensor in, one name per output tensor back.</summary>
    string[] ExportOnnx(OnnxGraph g, string[] inputs);
}

/// <summary>One graph node as built (serialized only by <see cref="OnnxGraph.ToModel(string[], IReadOnlyDictionary{string, string}?)"/>),
/// so passes such as <c>Onnx.Quantization.QdqQuantizer</c> can read and rewrite the graph.</summary>
internal sealed record OnnxNode(string Op, string[] Inputs, string[] Outputs, (string Name, object Value)[] Attributes)
{
    public string Name { get; init; } = Outputs[0];
    /// <summary>The model layer that added the node (<c>model.4</c>), when known: how reports name a convolution.</summary>
    public string? Scope { get; init; }
}

/// <summary>
/// Builds one ONNX graph (opset 17): inputs, weights as initializers, nodes with unique value names, outputs. Blocks add
/// their nodes through <see cref="Module"/>, which also covers TorchSharp's own layers (Conv2d, BatchNorm2d, activations,
/// pooling, Upsample, Sequential). Shapes are static: the graph is built for one input shape (<see cref="InputHeight"/>).
/// </summary>
internal sealed class OnnxGraph
{
    public const int Opset = 17;
    private const int IrVersion = 8;
    private List<OnnxNode> _nodes = [];
    private readonly List<ProtoWriter> _inputs = [], _outputs = [];
    private readonly Dictionary<string, ElementType> _inputTypes = [];
    // Insertion-ordered; float initializers keep their values so passes can read weights.
    private readonly Dictionary<string, (ElementType Type, long[] Shape, byte[] Raw)> _initializers = [];
    private readonly List<string> _initializerOrder = [];
    private int _counter;

    public OnnxGraph(int inputHeight, int inputWidth)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
    }

    /// <summary>The network input size the graph is built for (heads derive their grid sizes from it).</summary>
    public int InputHeight { get; }
    public int InputWidth { get; }

    /// <summary>ONNX TensorProto.DataType codes used here.</summary>
    public enum ElementType { Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7 }

    public string Input(string name, ElementType type, long[] shape)
    {
        _inputs.Add(ValueInfo(name, type, shape));
        _inputTypes[name] = type;
        return name;
    }

    /// <summary>True when <paramref name="name"/> is a graph input of <paramref name="type"/>.</summary>
    public bool IsInput(string name, ElementType type) => _inputTypes.TryGetValue(name, out var t) && t == type;

    public void Output(string name, ElementType type, long[]? shape = null) => _outputs.Add(ValueInfo(name, type, shape));

    /// <summary>A float32 initializer from a tensor (any dtype, device or memory layout).</summary>
    public string Weight(Tensor t)
    {
        using var c = t.detach().cpu().to(ScalarType.Float32).contiguous();
        return Floats(c.data<float>().ToArray(), c.shape);
    }

    public string Floats(float[] values, params long[] shape)
        => AddInitializer(ElementType.Float, shape, MemoryMarshal.AsBytes(values.AsSpan()));

    public string Int64s(params long[] values)
        => AddInitializer(ElementType.Int64, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()));

    public string Scalar(float value) => Floats([value]);

    public string Int8s(sbyte[] values, params long[] shape)
        => AddInitializer(ElementType.Int8, shape, MemoryMarshal.AsBytes(values.AsSpan()));

    public string Int32s(int[] values, params long[] shape)
        => AddInitializer(ElementType.Int32, shape, MemoryMarshal.AsBytes(values.AsSpan()));

    public string UInt8s(byte[] values, params long[] shape) => AddInitializer(ElementType.UInt8, shape, values);

    /// <summary>Recorded on each node added from now on (<see cref="OnnxNode.Scope"/>).</summary>
    public string? Scope { get; set; }

    /// <summary>The nodes in topological order (the order they were added).</summary>
    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>Replaces the node list (a rewriting pass); the order must stay topological.</summary>
    public void ReplaceNodes(IEnumerable<OnnxNode> nodes) => _nodes = [.. nodes];

    /// <summary>A float32 initializer's values and shape, or null when <paramref name="name"/> is not one.</summary>
    public (float[] Values, long[] Shape)? FloatInitializer(string name)
        => _initializers.TryGetValue(name, out var t) && t.Type == ElementType.Float
            ? (MemoryMarshal.Cast<byte, float>(t.Raw).ToArray(), t.Shape) : null;

    /// <summary>Drops initializers no node reads any more (weights a pass replaced).</summary>
    public void RemoveUnusedInitializers()
    {
        var used = _nodes.SelectMany(n => n.Inputs).ToHashSet();
        foreach (var name in _initializerOrder.Where(n => !used.Contains(n)).ToList())
        {
            _initializers.Remove(name);
            _initializerOrder.Remove(name);
        }
    }

    /// <summary>A fresh value name with <paramref name="prefix"/>.</summary>
    public string NewName(string prefix) => $"{prefix}_{_counter++}";

    /// <summary>Adds a node with one output; attributes are (name, long | int | double | float | string | long[]).</summary>
    public string Node(string op, string?[] inputs, params (string Name, object Value)[] attributes)
        => Node(op, inputs, 1, attributes)[0];

    public string[] Node(string op, string?[] inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var names = Enumerable.Range(0, outputs).Select(_ => $"{op}_{_counter++}").ToArray();
        _nodes.Add(new OnnxNode(op, [.. inputs.Select(i => i ?? "")], names, attributes) { Scope = Scope });
        return names;
    }

    /// <summary>Adds <paramref name="module"/>'s nodes: an <see cref="IOnnxExportable"/> block, or a TorchSharp layer.</summary>
    public string[] Module(nn.Module module, params string[] inputs)
    {
        if (module is IOnnxExportable e) return e.ExportOnnx(this, inputs);
        if (inputs.Length != 1) throw new NotSupportedException($"{module.GetType().Name} cannot take {inputs.Length} inputs");
        return [Layer(module, inputs[0])];
    }

    /// <summary>A single-input, single-output module.</summary>
    public string Apply(nn.Module module, string x) => Module(module, x) is [var y] ? y
        : throw new NotSupportedException($"{module.GetType().Name} has several outputs");

    private string Layer(nn.Module module, string x) => module switch
    {
        Sequential s => s.children().Aggregate(x, (v, child) => Apply(child, v)),
        Identity => x,
        Conv2d c => Conv(x, c),
        BatchNorm2d bn => Node("BatchNormalization", [x, Weight(bn.weight!), Weight(bn.bias!), Weight(bn.running_mean!), Weight(bn.running_var!)],
            ("epsilon", bn.eps)),
        ReLU => Node("Relu", [x]),
        SiLU => Silu(x),
        ReLU6 => Node("Clip", [x, Scalar(0), Scalar(6)]),
        Hardswish => Node("HardSwish", [x]),
        LeakyReLU l => Node("LeakyRelu", [x], ("alpha", l.negative_slope)),
        MaxPool2d p => Node("MaxPool", [x], ("kernel_shape", Pair(p.kernel_size)), ("strides", Pair(p.stride ?? p.kernel_size)),
            ("pads", Pads(Pair(p.padding ?? [0]))), ("ceil_mode", p.ceil_mode ? 1L : 0L)),
        AdaptiveAvgPool2d a when a.output_size.All(s => s == 1) => Node("GlobalAveragePool", [x]),
        Upsample u when u.mode == UpsampleMode.Nearest && u.scale_factor is { } f
            => Node("Resize", [x, "", Floats([1, 1, (float)f[0], (float)f[^1]], 4)],
                ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor")),
        _ => throw new NotSupportedException($"no ONNX form for {module.GetType().Name} ('{module.GetName()}')"),
    };

    /// <summary>A Conv node; with <paramref name="outputs"/>, only that range of output channels (a split conv).</summary>
    public string Conv(string x, Conv2d c, Range? outputs = null)
    {
        Tensor w = c.weight!;
        Tensor? b = c.bias;
        if (outputs is { } r)
        {
            var (start, count) = r.GetOffsetAndLength((int)w.shape[0]);
            w = w.narrow(0, start, count);
            b = b?.narrow(0, start, count);
        }
        long[] stride = Pair(c.stride), dilation = Pair(c.dilation), pad = Pair(c.padding ?? [0]);
        string?[] inputs = b is null ? [x, Weight(w)] : [x, Weight(w), Weight(b)];
        return Node("Conv", inputs, ("kernel_shape", new[] { w.shape[2], w.shape[3] }), ("strides", stride),
            ("pads", Pads(pad)), ("dilations", dilation), ("group", c.groups));
    }

    public string Silu(string x) => Node("Mul", [x, Node("Sigmoid", [x])]);

    private static long[] Pair(long[] v) => v.Length == 1 ? [v[0], v[0]] : v;
    private static long[] Pads(long[] hw) => [hw[0], hw[1], hw[0], hw[1]];   // top, left, bottom, right

    /// <summary>The serialized ModelProto with <paramref name="outputs"/> as the graph outputs.</summary>
    public byte[] ToModel(params string[] outputs) => ToModel(outputs, null);

    /// <summary>Declared shapes of the graph outputs, in order (the ONNX checker's full check wants them).</summary>
    public long[]?[] OutputShapes { get; set; } = [];

    /// <summary>The serialized model; <paramref name="metadata"/> goes into <c>metadata_props</c> (ultralytics keeps
    /// names, stride and image size there).</summary>
    public byte[] ToModel(string[] outputs, IReadOnlyDictionary<string, string>? metadata)
    {
        // The model's outputs first, then extra ones (Output: e.g. activations a calibration reads).
        var declared = outputs.Select((o, i) => ValueInfo(o, ElementType.Float, i < OutputShapes.Length ? OutputShapes[i] : null)).Concat(_outputs);
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, Serialize(n));
        graph.String(2, "ghostyolo");
        foreach (var name in _initializerOrder)
        {
            var (type, shape, raw) = _initializers[name];
            graph.Message(5, new ProtoWriter().Ints(1, shape).Int(2, (int)type).String(8, name).Bytes(9, raw));
        }
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in declared) graph.Message(12, o);
        var model = new ProtoWriter().Int(1, IrVersion).String(2, "ghostyolo").Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Int(2, Opset));
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            model.Message(14, new ProtoWriter().String(1, key).String(2, value));
        return model.ToArray();
    }

    /// <summary>Gives value <paramref name="x"/> the graph-level name <paramref name="name"/> (an Identity node).</summary>
    public string Named(string x, string name)
    {
        _nodes.Add(new OnnxNode("Identity", [x], [name], []) { Name = $"Identity_{_counter++}" });
        return name;
    }

    private string AddInitializer(ElementType type, long[] shape, ReadOnlySpan<byte> raw)
    {
        var name = $"w_{_counter++}";
        _initializers[name] = (type, shape, raw.ToArray());
        _initializerOrder.Add(name);
        return name;
    }

    private static ProtoWriter Serialize(OnnxNode n)
    {
        var node = new ProtoWriter();
        foreach (var i in n.Inputs) node.String(1, i);
        foreach (var o in n.Outputs) node.String(2, o);
        node.String(3, n.Name).String(4, n.Op);
        foreach (var (name, value) in n.Attributes) node.Message(5, Attribute(name, value));
        return node;
    }

    private static ProtoWriter ValueInfo(string name, ElementType type, long[]? shape)
    {
        var tensor = new ProtoWriter().Int(1, (int)type);
        if (shape is not null)
        {
            var s = new ProtoWriter();
            // A negative size is a symbolic dimension (dim_param "batch"): the dynamic batch axis.
            foreach (var d in shape) s.Message(1, d >= 0 ? new ProtoWriter().Int(1, d) : new ProtoWriter().String(2, "batch"));
            tensor.Message(2, s);
        }
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }

    private static ProtoWriter Attribute(string name, object value)
    {
        var a = new ProtoWriter().String(1, name);
        return value switch
        {
            long i => a.Int(3, i).Int(20, 2),
            int i => a.Int(3, i).Int(20, 2),
            double f => a.Float(2, (float)f).Int(20, 1),
            float f => a.Float(2, f).Int(20, 1),
            string s => a.String(4, s).Int(20, 3),
            long[] ints => a.Ints(8, ints).Int(20, 7),
            _ => throw new ArgumentException($"attribute {name}: unsupported type {value.GetType().Name}"),
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ONNX graph: {_nodes.Count} nodes, {_initializers.Count} initializers");
}
