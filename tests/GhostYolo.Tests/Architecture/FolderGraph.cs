using System.Reflection;
using NetArchTest.Rules;

namespace GhostYolo.Tests.Architecture;

/// <summary>Which top-level folders (namespaces GhostYolo.X) of an assembly use which, at the type level (NetArchTest).</summary>
public static class FolderGraph
{
    public static IReadOnlyList<string> Folders(Assembly assembly, string root) =>
        assembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith(root + ".", StringComparison.Ordinal))
            .Select(n => n.Split('.')[1]).Distinct().Order().ToList();

    /// <summary>Edges folder → folder it depends on, each with up to three of the types that make the edge.</summary>
    public static Dictionary<(string From, string To), IReadOnlyList<string>> Edges(Assembly assembly, string root)
    {
        var folders = Folders(assembly, root);
        var edges = new Dictionary<(string, string), IReadOnlyList<string>>();
        foreach (var from in folders)
            foreach (var to in folders.Where(f => f != from))
            {
                var result = Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{from}")
                    .ShouldNot().HaveDependencyOn($"{root}.{to}").GetResult();
                if (!result.IsSuccessful)
                    edges[(from, to)] = result.FailingTypeNames.Take(3).ToList();
            }
        return edges;
    }

    /// <summary>The folders on some cycle, as "A → B → … → A" paths (one per strongly connected group).</summary>
    public static IReadOnlyList<string> Cycles(Dictionary<(string From, string To), IReadOnlyList<string>> edges)
    {
        var next = edges.Keys.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order().ToList());
        var cycles = new List<string>();
        var seen = new HashSet<string>();
        foreach (var start in next.Keys.Order())
        {
            if (seen.Contains(start)) continue;
            var path = FindPath(start, start, next, [], new HashSet<string>());
            if (path is null) continue;
            foreach (var f in path) seen.Add(f);
            cycles.Add(string.Join(" → ", path.Append(start)));
        }
        return cycles;
    }

    private static List<string>? FindPath(string at, string target, Dictionary<string, List<string>> next, List<string> path, HashSet<string> visited)
    {
        path.Add(at);
        visited.Add(at);
        foreach (var n in next.GetValueOrDefault(at) ?? [])
        {
            if (n == target) return [.. path];
            if (!visited.Contains(n) && FindPath(n, target, next, path, visited) is { } found) return found;
        }
        path.RemoveAt(path.Count - 1);
        return null;
    }
}
