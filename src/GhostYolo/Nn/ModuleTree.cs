using TorchSharp;

namespace GhostYolo.Nn;

/// <summary>Walks a module tree the way Python's <c>Module.modules()</c> does: depth-first, each instance once.</summary>
internal static class ModuleTree
{
    public static IEnumerable<torch.nn.Module> Unique(torch.nn.Module root)
    {
        var seen = new HashSet<torch.nn.Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<torch.nn.Module>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var m = stack.Pop();
            if (!seen.Add(m)) continue;
            yield return m;
            foreach (var (_, child) in m.named_children().Reverse()) stack.Push(child);
        }
    }
}
