using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;

namespace GhostYolo.Tests.Architecture;

/// <summary>
/// The library's public surface is what an app gets: the samples are apps, so they must build against public types and
/// members only. The compiler already refuses internals to an assembly without InternalsVisibleTo; these tests make sure
/// no sample is ever given it, and read the samples' compiled references to show what they use is public.
/// </summary>
public class PublicSurfaceTests
{
    private static readonly Assembly Library = typeof(GhostYolo.Platform.GhostYoloRuntime).Assembly;

    private static readonly (string Dir, string Assembly)[] Samples =
    [
        ("samples/GhostYolo.Samples.Console", "GhostYolo.Samples.Console.dll"),
        ("samples/GhostYolo.Samples.Web", "GhostYolo.Samples.Web.dll"),
    ];

    [Fact]
    public void Only_the_tests_the_cli_and_the_tools_see_the_library_internals()
    {
        var friends = Library.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["GhostYolo.Tests", "GhostYolo.Tools", "ghostyolo"], friends);
        foreach (var (_, dll) in Samples)
            Assert.DoesNotContain(Path.GetFileNameWithoutExtension(dll), friends, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0, new[] { "GhostYolo.Engine.Predictor", "GhostYolo.Engine.PredictOptions", "GhostYolo.Engine.FrameResult", "GhostYolo.Engine.Detection" })]
    [InlineData(1, new[] { "GhostYolo.Engine.Predictor", "GhostYolo.Engine.PredictOptions", "GhostYolo.Engine.FrameResult", "GhostYolo.Engine.Detection" })]
    public void A_sample_uses_only_public_library_types_and_members(int sample, string[] expectedTypes)
    {
        var (dir, dll) = Samples[sample];
        var uses = LibraryReferences(RepoPaths.Built(dir, dll));
        // Not vacuous: the sample really is an app of the library (load, detect, read the detections).
        Assert.Superset(expectedTypes.ToHashSet(), uses.Keys.ToHashSet());

        var problems = new List<string>();
        foreach (var (typeName, members) in uses)
        {
            var type = Library.GetType(typeName);
            if (type is null) { problems.Add($"{typeName}: not in {Library.GetName().Name}"); continue; }
            if (!type.IsVisible) { problems.Add($"{typeName}: not public"); continue; }
            foreach (var member in members)
            {
                bool found = member == ".ctor"
                    ? type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Length > 0
                    : type.GetMember(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Length > 0;
                if (!found) problems.Add($"{typeName}.{member}: not public");
            }
        }
        Assert.True(problems.Count == 0, $"{dll} uses library internals: " + string.Join("; ", problems));
    }

    [Fact]
    public void The_reference_reader_sees_a_use_of_an_internal_member()
    {
        // The check above is only as good as this reader: the tests themselves use internals (InternalsVisibleTo), and the
        // reader must see them, e.g. Predictor.Runner (internal) read in this very method.
        var uses = LibraryReferences(typeof(PublicSurfaceTests).Assembly.Location);
        Assert.Contains("get_Runner", uses["GhostYolo.Engine.Predictor"]);
        Assert.False(typeof(GhostYolo.Engine.Predictor).GetMember("get_Runner", BindingFlags.Public | BindingFlags.Instance).Length > 0);
    }

    /// <summary>Never called: it only puts a reference to an internal member into this assembly's metadata.</summary>
    private static object UsesAnInternalMember(GhostYolo.Engine.Predictor predictor) => predictor.Runner;

    /// <summary>The library types an assembly refers to (full names, nested as Outer+Inner) and the members of each it refers to.</summary>
    private static Dictionary<string, HashSet<string>> LibraryReferences(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        string library = Library.GetName().Name!;
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var names = new Dictionary<TypeReferenceHandle, string>();
        foreach (var handle in md.TypeReferences)
            if (LibraryTypeName(md, handle, library) is { } name)
            {
                names[handle] = name;
                uses.TryAdd(name, []);
            }
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference && names.TryGetValue((TypeReferenceHandle)member.Parent, out var owner))
                uses[owner].Add(md.GetString(member.Name));
        }
        return uses;
    }

    private static string? LibraryTypeName(MetadataReader md, TypeReferenceHandle handle, string library)
    {
        var type = md.GetTypeReference(handle);
        string name = md.GetString(type.Name);
        switch (type.ResolutionScope.Kind)
        {
            case HandleKind.AssemblyReference:
                var assembly = md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope);
                if (md.GetString(assembly.Name) != library) return null;
                string ns = md.GetString(type.Namespace);
                return ns.Length == 0 ? name : ns + "." + name;
            case HandleKind.TypeReference:
                return LibraryTypeName(md, (TypeReferenceHandle)type.ResolutionScope, library) is { } outer ? outer + "+" + name : null;
            default:
                return null;
        }
    }
}
