namespace GhostYolo.Nn;

/// <summary>How a module treats the YAML repeat count <c>n</c>.</summary>
internal enum RepeatMode
{
    /// <summary>n &gt; 1 stacks n copies in an <c>nn.Sequential</c> (ultralytics' default).</summary>
    Stacked,
    /// <summary>n is passed into the module (C2f, C3, C3Ghost … — ultralytics' "insert n" set); built once.</summary>
    Inserted,
}

/// <summary>Builds one layer from its context. Lives as a static <c>Build</c> method next to each block.</summary>
internal delegate LayerBuild ModuleFactory(LayerContext ctx);

/// <summary>One registry entry: the YAML name, the factory, and how repeats are handled.</summary>
internal sealed record ModuleSpec(string Name, ModuleFactory Factory, RepeatMode Repeats);

/// <summary>
/// Maps YAML module names to factories. An instance, passed to the model builder; <see cref="CreateDefault"/>
/// holds every built-in block. Adding a block = one file with a <c>Build</c> method + one line in <see cref="CreateDefault"/>.
/// </summary>
internal sealed class ModuleRegistry
{
    private readonly Dictionary<string, ModuleSpec> _specs = new(StringComparer.Ordinal);

    public ModuleRegistry Add(string name, ModuleFactory factory, RepeatMode repeats = RepeatMode.Stacked)
    {
        _specs[name] = new ModuleSpec(name, factory, repeats);
        return this;
    }

    public bool TryGet(string name, out ModuleSpec spec)
    {
        // ultralytics YAMLs write torch modules as `nn.Upsample`; accept both spellings.
        if (_specs.TryGetValue(name, out spec!)) return true;
        return name.StartsWith("nn.", StringComparison.Ordinal) && _specs.TryGetValue(name[3..], out spec!)
            || _specs.TryGetValue("nn." + name, out spec!);
    }

    public IEnumerable<string> Names => _specs.Keys.Order(StringComparer.Ordinal);

    /// <summary>The registry with every built-in block.</summary>
    public static ModuleRegistry CreateDefault() => new ModuleRegistry()
        // ultralytics family
        .Add("Conv", Modules.Conv.Build)
        .Add("DWConv", Modules.DWConv.Build)
        .Add("GhostConv", Modules.GhostConv.Build)
        .Add("Bottleneck", Modules.Bottleneck.Build)
        .Add("C2f", Modules.C2f.Build, RepeatMode.Inserted)
        .Add("C3", Modules.C3.Build, RepeatMode.Inserted)
        .Add("GhostBottleneck", Modules.GhostBottleneck.Build)
        .Add("C3Ghost", Modules.C3Ghost.Build, RepeatMode.Inserted)
        .Add("SPPF", Modules.SPPF.Build)
        .Add("Concat", Modules.Concat.Build)
        .Add("nn.Upsample", Modules.Upsample.Build)
        .Add("Detect", Modules.Detect.Build)
        .Add("Classify", Modules.Classify.Build)
        // GhostNet / GhostNetV2 / G-Ghost / FasterNet family
        .Add("GhostModule", Modules.GhostModule.Build)
        .Add("SqueezeExcite", Modules.SqueezeExcite.Build)
        .Add("ConvBnAct", Modules.ConvBnAct.Build)
        .Add("GhostBottleneckV1", Modules.GhostBottleneckV1.Build)
        .Add("GhostNetHead", Modules.GhostNetHead.Build)
        .Add("GhostModuleV2", Modules.GhostModuleV2.Build)
        .Add("GhostBottleneckV2", Modules.GhostBottleneckV2.Build)
        .Add("GGhostBottleneck", Modules.GGhostBottleneck.Build)
        .Add("PConv", Modules.PConv.Build)
        .Add("PatchEmbed_FasterNet", Modules.PatchEmbed.Build)
        .Add("PatchMerging_FasterNet", Modules.PatchMerging.Build)
        .Add("BasicStage", Modules.BasicStage.Build)
        .Add("Faster_Block", Modules.FasterBlock.Build)
        .Add("FasterNetHead", Modules.FasterNetHead.Build)
        .Add("Conv2dPlain", Modules.Conv2dPlain.Build)
        .Add("C2f_GhostBottleneck", Modules.C2fGhostBottleneck.Build, RepeatMode.Inserted)
        .Add("C2f_GhostBottleneckV2", Modules.C2fGhostBottleneckV2.Build, RepeatMode.Inserted)
        .Add("C2f_g_ghostBottleneck", Modules.C2fGGhostBottleneck.Build, RepeatMode.Inserted)
        .Add("C2f_Faster", Modules.C2fFaster.Build, RepeatMode.Inserted)
        .Add("C3_Faster", Modules.C3Faster.Build, RepeatMode.Inserted)
        ;
}
