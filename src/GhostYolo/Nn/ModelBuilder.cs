using System.Runtime.InteropServices;
using GhostYolo.Nn.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn;

/// <summary>
/// Builds a <see cref="DetectionModel"/> from a <see cref="ModelDefinition"/> (ultralytics <c>parse_model</c>):
/// repeats <c>max(round(n·depth), 1)</c>, channel inference through each factory, n stacked in a Sequential unless
/// the module takes it, then strides from a 256×256 pass and prior bias initialisation. Every failure names the YAML
/// file and layer; a layer whose forward pass fails (e.g. channel mismatch) is reported the same way.
/// </summary>
internal sealed class ModelBuilder
{
    private readonly ModuleRegistry _registry;

    public ModelBuilder(ModuleRegistry? registry = null) => _registry = registry ?? ModuleRegistry.CreateDefault();

    /// <summary>Loads the YAML (by name or path) and builds it. <paramref name="nc"/> overrides the YAML's class count.</summary>
    public DetectionModel Build(string model, int? nc = null) => Build(ModelDefinition.Load(model, nc));

    public DetectionModel Build(ModelDefinition def)
    {
        var act = def.Activation is { } a ? Activations.Parse(a)! : nn.SiLU(inplace: true);
        var channels = new List<int>();
        var modules = new List<nn.Module>();
        var infos = new List<LayerInfo>();
        foreach (var layer in def.Layers)
        {
            int i = layer.Index;
            var from = layer.From.Select(f => f == -1 ? (i == 0 ? -1 : i - 1) : f < 0 ? i + f : f).ToArray();
            foreach (var f in from)
                if (f >= i || (f < 0 && i > 0))
                    throw new ModelDefinitionException(def.File, i, $"{layer.Module}: 'from' index {f} is out of range (layers 0..{i - 1} exist) (line {layer.Line})");
            if (!_registry.TryGet(layer.Module, out var spec))
                throw new ModelDefinitionException(def.File, i, $"unknown module '{layer.Module}' (line {layer.Line}). Known modules: {string.Join(", ", _registry.Names)}");
            int n = layer.Repeats > 1 ? Math.Max((int)Math.Round(layer.Repeats * def.Depth, MidpointRounding.ToEven), 1) : layer.Repeats;
            var ctx = new LayerContext(def.File, i, from, spec.Repeats == RepeatMode.Inserted ? n : 1, layer.Module, layer.Args,
                channels, def.InputChannels, def.Nc, def.Width, def.MaxChannels, act);
            LayerBuild built;
            try
            {
                built = spec.Factory(ctx);
                if (spec.Repeats == RepeatMode.Stacked && n > 1)
                {
                    var copies = new List<nn.Module<Tensor, Tensor>> { AsSingle(built.Module, ctx) };
                    for (int k = 1; k < n; k++) copies.Add(AsSingle(spec.Factory(ctx).Module, ctx));
                    built = built with { Module = nn.Sequential(copies.ToArray()) };
                }
            }
            catch (ModelDefinitionException) { throw; }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException or FormatException or ExternalException)
            {
                throw new ModelDefinitionException(def.File, i, $"{layer.Module} {LayerContext.FormatArg(layer.Args)}: {e.Message} (line {layer.Line})");
            }
            modules.Add(built.Module);
            channels.Add(built.OutChannels);
            infos.Add(new LayerInfo(i, layer.From, n, layer.Module, built.ShownArgs, built.OutChannels));
        }
        if (modules.Count == 0) throw new ModelDefinitionException(def.File, null, "the YAML defines no layers");

        var modelObj = new DetectionModel(def, modules, infos);
        InitStrides(modelObj, def);
        return modelObj;
    }

    private static nn.Module<Tensor, Tensor> AsSingle(nn.Module m, LayerContext ctx)
        => m as nn.Module<Tensor, Tensor> ?? throw ctx.Fail("cannot be repeated (it takes several inputs)");

    /// <summary>Strides from a forward pass of zeros at 256×256 (ultralytics); also the check that every layer's channels fit.</summary>
    private static void InitStrides(DetectionModel model, ModelDefinition def)
    {
        const int s = 256;
        model.eval();
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var modules = model.Modules;
            var layers = model.Layers;
            var current = model.RunLayers(zeros(1, def.InputChannels, s, s), (i, input) =>
            {
                try { return DetectionModel.Invoke(modules[i], input); }
                catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
                {
                    var shapes = input is Tensor t ? Shape(t) : string.Join(" + ", ((Tensor[])input).Select(Shape));
                    throw new ModelDefinitionException(def.File, i,
                        $"{layers[i].Module} {LayerContext.FormatArg(layers[i].Args)} cannot take its input {shapes} (from {LayerContext.FormatArg(layers[i].From.Cast<object?>().ToList())}): {FirstLine(e.Message)}");
                }
            });
            if (model.Head is { } head && current is Tensor[] levels)
            {
                head.SetUpStrides(levels, s);
                head.InitBiases();
            }
        }
        model.train();
    }

    private static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
    private static string FirstLine(string s) => s.Split('\n')[0];
}
