using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>A block that knows its own ONNX form: given its input value names, it adds nodes and returns its outputs.</summary>
public interface IOnnxExportable
{
    /// <summary>Mirrors <c>forward</c>: one name per input tensor in, one name per output tensor back.</summary>
    string[] ExportOnnx(OnnxGraph g, string[] inputs);
}

/// <summary>
/// Builds one ONNX graph (opset 17): inputs, weights as initializers, nodes with unique value names, outputs. Blocks add
/// their nodes through <see cref="Module"/>, which also covers TorchSharp's own layers (Conv2d, BatchNorm2d, activations,
/// pooling, Upsample, Sequential). Shapes are static: the graph is built for one input shape (<see cref="InputHeight"/>).
/// </summary>
public sealed class OnnxGraph
{
    public const int Opset = 17;
    private const int IrVersion = 8;
    private readonly List<ProtoWriter> _nodes = [], _initializers = [], _inputs = [], _outputs = [];
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
    public enum ElementType { Float = 1, UInt8 = 2, Int64 = 7 }

    public string Input(string name, ElementType type, long[] shape)
    {
        _inputs.Add(ValueInfo(name, type, shape));
        return name;
    }

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

    /// <summary>Adds a node with one output; attributes are (name, long | int | double | float | string | long[]).</summary>
    public string Node(string op, string?[] inputs, params (string Name, object Value)[] attributes)
        => Node(op, inputs, 1, attributes)[0];

    public string[] Node(string op, string?[] inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var names = Enumerable.Range(0, outputs).Select(_ => $"{op}_{_counter++}").ToArray();
        var node = new ProtoWriter();
        foreach (var i in inputs) node.String(1, i ?? "");
        foreach (var o in names) node.String(2, o);
        node.String(3, names[0]).String(4, op);
        foreach (var (name, value) in attributes) node.Message(5, Attribute(name, value));
        _nodes.Add(node);
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
        for (int i = 0; i < outputs.Length; i++) Output(outputs[i], ElementType.Float, i < OutputShapes.Length ? OutputShapes[i] : null);
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, "ghostyolo");
        foreach (var t in _initializers) graph.Message(5, t);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);
        var model = new ProtoWriter().Int(1, IrVersion).String(2, "ghostyolo").Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Int(2, Opset));
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            model.Message(14, new ProtoWriter().String(1, key).String(2, value));
        return model.ToArray();
    }

    /// <summary>Gives value <paramref name="x"/> the graph-level name <paramref name="name"/> (an Identity node).</summary>
    public string Named(string x, string name)
    {
        var node = new ProtoWriter().String(1, x).String(2, name).String(3, $"Identity_{_counter++}").String(4, "Identity");
        _nodes.Add(node);
        return name;
    }

    private string AddInitializer(ElementType type, long[] shape, ReadOnlySpan<byte> raw)
    {
        var name = $"w_{_counter++}";
        _initializers.Add(new ProtoWriter().Ints(1, shape).Int(2, (int)type).String(8, name).Bytes(9, raw));
        return name;
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
