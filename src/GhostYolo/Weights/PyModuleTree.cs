using System.Collections;
using Razorvine.Pickle.Objects;
using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>
/// Reads a pickled <c>torch.nn.Module</c> (an attribute bag from <see cref="TorchArchive"/>) the way PyTorch's
/// <c>state_dict()</c> does: parameters, persistent buffers and children's, with dotted names (order not kept).
/// </summary>
internal static class PyModuleTree
{
    public static bool IsModule(object? o) => o is ClassDict d && d.ContainsKey("_modules") && d.ContainsKey("_parameters");

    public static Dictionary<string, Tensor> StateDict(ClassDict module)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Collect(module, "", result);
        return result;
    }

    private static void Collect(ClassDict module, string prefix, Dictionary<string, Tensor> into)
    {
        foreach (var (name, value) in Items(module.GetValueOrDefault("_parameters")))
            if (value is Tensor t) into[prefix + name] = t;
        var nonPersistent = module.GetValueOrDefault("_non_persistent_buffers_set") switch
        {
            IEnumerable e and not string => e.Cast<object>().Select(o => o.ToString()!).ToHashSet(),
            _ => [],
        };
        foreach (var (name, value) in Items(module.GetValueOrDefault("_buffers")))
            if (value is Tensor t && !nonPersistent.Contains(name)) into[prefix + name] = t;
        foreach (var (name, value) in Items(module.GetValueOrDefault("_modules")))
            if (value is ClassDict child) Collect(child, prefix + name + ".", into);
    }

    /// <summary>A Python dict's items (in no particular order).</summary>
    public static IEnumerable<(string Name, object? Value)> Items(object? dict) => dict switch
    {
        IDictionary d => d.Keys.Cast<object>().Select(k => (k.ToString()!, d[k])),
        _ => [],
    };

    /// <summary>A bag's attribute (module attributes live in the bag itself).</summary>
    public static object? Attr(ClassDict module, string name) => module.GetValueOrDefault(name);
}
