namespace GhostYolo.Tests;

/// <summary>Where the repository is, and the programs built beside these tests.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding GhostYolo.sln, above the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GhostYolo.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("GhostYolo.sln not found above the test binaries");
    }

    /// <summary>
    /// The executable <paramref name="name"/> built in <paramref name="projectDir"/> (relative to the root) with these
    /// tests' configuration and framework: <c>{projectDir}/bin/{Config}/{tfm}/{name}</c>.
    /// </summary>
    public static string Built(string projectDir, string name)
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory);
        string exe = Path.Combine(Root(), projectDir, "bin", tests.Parent!.Name, tests.Name, name);
        Assert.True(File.Exists(exe), $"{name} is not built at {exe}");
        return exe;
    }
}
