using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn;

/// <summary>
/// Everything a module factory needs to build one YAML layer: resolved arguments, input channels, scaling,
/// the model's shared default activation, and helpers that raise <see cref="ModelDefinitionException"/> naming the file and layer.
/// </summary>
internal sealed class LayerContext
{
    private readonly IReadOnlyList<int> _channels; // output channels of layers 0..Index-1

    public LayerContext(string file, int index, int[] from, int repeats, string module, IReadOnlyList<object?> args,
        IReadOnlyList<int> channels, int inputChannels, int nc, double width, int maxChannels,
        nn.Module<Tensor, Tensor> act)
    {
        File = file; Index = index; From = from; Repeats = repeats; Module = module; Args = args;
        _channels = channels; InputChannels = inputChannels; Nc = nc; Width = width; MaxChannels = maxChannels; Act = act;
    }

    public string File { get; }
    /// <summary>The YAML layer index (0-based, backbone then head).</summary>
    public int Index { get; }
    /// <summary>Absolute input layer indices (−1 resolved); −1 stays −1 only for layer 0, meaning the image.</summary>
    public int[] From { get; }
    /// <summary>Repeats after depth scaling.</summary>
    public int Repeats { get; }
    public string Module { get; }
    /// <summary>Arguments as written, with <c>nc</c>, <c>None</c>, booleans and numbers resolved.</summary>
    public IReadOnlyList<object?> Args { get; }
    public int Nc { get; }
    public double Width { get; }
    public int MaxChannels { get; }
    /// <summary>The model's single shared default activation (ultralytics <c>Conv.default_act</c>, per model, not global).</summary>
    public nn.Module<Tensor, Tensor> Act { get; }
    /// <summary>Channels entering the model (3 for images; a YAML may set <c>ch</c>).</summary>
    public int InputChannels { get; }

    /// <summary>Output channels of layer <paramref name="layer"/> (−1 = the model input).</summary>
    public int ChannelsOf(int layer) => layer < 0 ? InputChannels : _channels[layer];

    /// <summary>Channels entering this layer when it has a single input (ultralytics <c>ch[f]</c>).</summary>
    public int C1 => From.Length == 1 ? ChannelsOf(From[0]) : throw Fail($"{Module} takes one input, got from = [{string.Join(", ", From)}]");

    /// <summary>ultralytics' width rule: <c>make_divisible(min(c2, max_channels) * width, 8)</c>, except when c2 == nc.</summary>
    public int ScaleWidth(int c2) => c2 == Nc ? c2 : MakeDivisible(Math.Min(c2, MaxChannels) * Width, 8);

    public static int MakeDivisible(double x, int divisor) => (int)(Math.Ceiling(x / divisor) * divisor);

    public int ArgCount => Args.Count;

    public ModelDefinitionException Fail(string message) => new(File, Index, $"{Module}: {message}");

    /// <summary>Fails unless the argument count lies in [min, max].</summary>
    public void ExpectArgs(int min, int max, string signature)
    {
        if (Args.Count < min || Args.Count > max)
            throw Fail($"expected {(min == max ? min.ToString() : $"{min} to {max}")} arguments {signature}, got {Args.Count}: [{ArgsText}]");
    }

    public string ArgsText => string.Join(", ", Args.Select(FormatArg));

    public static string FormatArg(object? a) => a switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => d.ToString("0.0##", CultureInfo.InvariantCulture),
        string s => $"'{s}'",
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(FormatArg)) + "]",
        _ => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "",
    };

    public int Int(int i, string name, int? fallback = null)
    {
        if (i >= Args.Count || Args[i] is null)
            return fallback ?? throw Fail($"argument {i} ({name}) is required");
        return Args[i] switch
        {
            int v => v,
            long v => (int)v,
            double v when v == Math.Floor(v) => (int)v,
            var other => throw Fail($"argument {i} ({name}) must be an integer, got {FormatArg(other)}"),
        };
    }

    public double Double(int i, string name, double? fallback = null)
    {
        if (i >= Args.Count || Args[i] is null)
            return fallback ?? throw Fail($"argument {i} ({name}) is required");
        return Args[i] switch
        {
            int v => v,
            long v => v,
            double v => v,
            var other => throw Fail($"argument {i} ({name}) must be a number, got {FormatArg(other)}"),
        };
    }

    public bool Bool(int i, string name, bool? fallback = null)
    {
        if (i >= Args.Count || Args[i] is null)
            return fallback ?? throw Fail($"argument {i} ({name}) is required");
        return Args[i] switch
        {
            bool v => v,
            var other => throw Fail($"argument {i} ({name}) must be True or False, got {FormatArg(other)}"),
        };
    }

    public string String(int i, string name, string? fallback = null)
    {
        if (i >= Args.Count || Args[i] is null)
            return fallback ?? throw Fail($"argument {i} ({name}) is required");
        return Args[i] is string s ? s : throw Fail($"argument {i} ({name}) must be a string, got {FormatArg(Args[i])}");
    }

    public IReadOnlyList<object?> List(int i, string name)
        => i < Args.Count && Args[i] is IReadOnlyList<object?> l ? l : throw Fail($"argument {i} ({name}) must be a list");
}

/// <summary>What a factory returns: the module, its output channels, and the arguments to show in summaries (ultralytics' <c>args</c> column).</summary>
internal sealed record LayerBuild(nn.Module Module, int OutChannels, IReadOnlyList<object?> ShownArgs);

/// <summary>A model YAML problem, always naming the file and, when known, the layer index.</summary>
public sealed class ModelDefinitionException : Exception
{
    internal ModelDefinitionException(string file, int? layer, string message)
        : base($"{file}{(layer is int l ? $": layer {l}" : "")}: {message}") { File = file; Layer = layer; }

    /// <summary>The model YAML (or the checkpoint holding it).</summary>
    public string File { get; }
    /// <summary>The YAML layer index (0-based, as in the summary table); null for a problem outside the layer list.</summary>
    public int? Layer { get; }
}
