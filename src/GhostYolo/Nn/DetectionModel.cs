using GhostYolo.Nn.Modules;
using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn;

/// <summary>What was built for one YAML row: the summary columns ultralytics prints.</summary>
internal sealed record LayerInfo(int Index, int[] From, int Repeats, string Module, IReadOnlyList<object?> Args, int OutChannels);

/// <summary>
/// A model built from YAML (ultralytics <c>DetectionModel</c>/<c>BaseModel</c>): the layer list under <c>model</c>
/// (so state-dict keys read <c>model.22.dfl.conv.weight</c>), <c>from</c> routing with saved outputs, strides and
/// <see cref="Fuse"/>. Models without a Detect head (classifiers, single blocks) run the same way.
/// </summary>
/// <remarks>
/// For an app this is an opaque network: get one from <see cref="Engine.ModelLoader"/>, read its class count and strides,
/// and hand it to a <see cref="Engine.Predictor"/>. It is a TorchSharp module, so its weights live in native memory:
/// dispose it when done (a predictor made by <see cref="Engine.Predictor.Load"/> disposes the one it made).
/// </remarks>
public sealed class DetectionModel : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module> model;
    private readonly LayerInfo[] _layers;
    private readonly bool[] _save;

    internal DetectionModel(ModelDefinition definition, IList<nn.Module> layers, IList<LayerInfo> infos) : base(nameof(DetectionModel))
    {
        Definition = definition;
        model = nn.ModuleList(layers.ToArray());
        _layers = infos.ToArray();
        _save = new bool[_layers.Length];
        foreach (var info in _layers)
            foreach (var f in info.From)
                if (f >= 0 && f != info.Index - 1) _save[f] = true;
        RegisterComponents();
    }

    internal ModelDefinition Definition { get; }
    internal IReadOnlyList<LayerInfo> Layers => _layers;
    internal IReadOnlyList<nn.Module> Modules => model.ToArray();
    /// <summary>Number of classes the head predicts.</summary>
    public int Nc => Definition.Nc;

    /// <summary>The detection head, or null for classifiers and headless YAMLs.</summary>
    internal IDetectHead? Head => model.Count > 0 ? model[^1] as IDetectHead : null;
    /// <summary>The head's stride per detection level (8, 16, 32 for P3–P5); empty without a detection head.</summary>
    public long[] Strides => Head?.Strides ?? [];
    /// <summary>The largest stride (32 without a detection head): input sizes are multiples of it.</summary>
    public long MaxStride => Strides.Length > 0 ? Strides.Max() : 32;

    /// <summary>Runs every layer; a detection model returns the head's raw per-level outputs (what the loss wants).</summary>
    internal Tensor[] ForwardRaw(Tensor x)
    {
        var last = RunLayers(x, (i, input) => Invoke(model[i], input));
        return last as Tensor[] ?? [(Tensor)last];
    }

    /// <summary>The <c>from</c> routing: feeds each layer its input(s) through <paramref name="invoke"/> and returns the
    /// last layer's output (a value, or the head's values). <typeparamref name="T"/> is a tensor when running and a
    /// value name when exporting to ONNX.</summary>
    internal object RunLayers<T>(T x, Func<int, object, object> invoke) where T : class
    {
        var outputs = new T?[_layers.Length];
        object current = x;
        for (int i = 0; i < _layers.Length; i++)
        {
            var from = _layers[i].From;
            object input = from.Length == 1
                ? (from[0] == -1 || from[0] == i - 1 ? current : outputs[from[0]]!)
                : from.Select(f => f == -1 || f == i - 1 ? (T)current : outputs[f]!).ToArray();
            current = invoke(i, input);
            if (_save[i]) outputs[i] = (T)current;
        }
        return current;
    }

    internal static object Invoke(nn.Module module, object input) => (module, input) switch
    {
        (nn.Module<Tensor, Tensor> m, Tensor t) => m.call(t),
        (nn.Module<Tensor[], Tensor> m, Tensor[] ts) => m.call(ts),
        (nn.Module<Tensor[], Tensor[]> m, Tensor[] ts) => m.call(ts),
        (nn.Module<Tensor[], Tensor[]> m, Tensor t) => m.call([t]),
        _ => throw new InvalidOperationException($"layer {module.GetName()} cannot take {(input is Tensor ? "one input" : "several inputs")}"),
    };

    /// <summary>
    /// The reference module's inference output, which the ONNX export also writes (<see cref="IDetectHead.ReferenceOutput"/>:
    /// ultralytics (B, 4+nc, A), yolov5 (B, A, 5+nc)); otherwise the last layer's output. The detection pipeline reads
    /// <see cref="Predict"/> instead.
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        var raw = ForwardRaw(x);
        return Head is { } head ? head.ReferenceOutput(raw) : raw[0];
    }

    /// <summary>Input → the one decoded layout NMS reads (<see cref="IDetectHead.Decode"/>: (B, 4+nc, A) for every head).</summary>
    internal Tensor Predict(Tensor x) => Decode(ForwardRaw(x));

    /// <summary>Decodes raw head outputs (e.g. from <see cref="ForwardRaw"/> during validation, which also needs them for the
    /// loss) into the one layout (B, 4+nc, A).</summary>
    internal Tensor Decode(Tensor[] raw) => Head?.Decode(raw) ?? raw[0];

    /// <summary>Folds BatchNorm into the preceding conv of every ultralytics-style Conv/DWConv (as ultralytics <c>fuse()</c>); returns this.</summary>
    internal DetectionModel Fuse()
    {
        foreach (var m in ModuleTree.Unique(this).OfType<IFusable>().ToList()) m.Fuse();
        return this;
    }

    /// <summary>
    /// Fuse, eval, channels-last and (when asked and the CPU has native bf16) bfloat16 weights: the fast inference form.
    /// Returns the precision actually used — bf16 falls back to fp32 on CPUs without AVX-512 BF16 / AMX.
    /// </summary>
    internal Precision PrepareForInference(Precision requested = Precision.Fp32)
    {
        Fuse();
        eval();
        ToChannelsLast();
        var device = parameters().First().device;
        var actual = requested == Precision.Bf16 && (device.type != DeviceType.CPU || CpuFeatures.HasBf16) ? Precision.Bf16 : Precision.Fp32;
        if (actual == Precision.Bf16) this.to(ScalarType.BFloat16);
        return actual;
    }

    /// <summary>True after <see cref="ToChannelsLast"/>: inputs should be NHWC in memory too (see <see cref="PrepareInput"/>).</summary>
    internal bool ChannelsLast { get; private set; }

    /// <summary>
    /// Stores every conv weight channels-last (NHWC in memory). libtorch's oneDNN kernels then keep activations NHWC
    /// end to end; measured here: 5×5 max-pooling 17× and 3×3 convs 1.7× faster than with NCHW, training steps ~1.3×.
    /// </summary>
    internal DetectionModel ToChannelsLast()
    {
        using (no_grad())
            foreach (var conv in ModuleTree.Unique(this).OfType<Conv2d>())
            {
                var w = conv.weight!;
                if (MemoryFormat.IsChannelsLast(w)) continue;   // e.g. 1×1 kernels: both layouts coincide
                conv.weight = new Parameter(MemoryFormat.ChannelsLast(w), w.requires_grad);
            }
        ChannelsLast = true;
        return this;
    }

    /// <summary>(B,3,H,W) uint8 images → this model's input: its device and dtype, scaled to [0,1], NHWC if channels-last.</summary>
    internal Tensor PrepareInput(Tensor images)
    {
        var p = parameters().First();
        var x = images.to(p.device).to(p.dtype).div_(Scalars.Byte255);
        return ChannelsLast ? MemoryFormat.ChannelsLast(x) : x;
    }

    /// <summary>True when fewer than 10 normalisation layers remain (ultralytics <c>is_fused</c>).</summary>
    internal bool IsFused => ModuleTree.Unique(this).Count(m => m is BatchNorm2d) < 10;
}
