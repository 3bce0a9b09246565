namespace GhostYolo.Tests;

/// <summary>README.md and .ci/run must agree on the test command, so CI runs exactly what a newcomer runs.</summary>
public class ReadmeTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GhostYolo.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("GhostYolo.sln not found above the test binaries");
    }

    [Fact]
    public void CiRunsTheReadmeTestCommand()
    {
        var root = Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var ci = File.ReadAllLines(Path.Combine(root, ".ci", "run"));
        var command = ci.SkipWhile(l => !l.StartsWith("# The README's test command")).Skip(1).First().Split(" 2>&1")[0];
        Assert.Equal("dotnet test -c Release", command);
        Assert.Contains("```bash\n" + command + "\n```", readme);
        Assert.Contains("dotnet run -c Release --project src/GhostYolo.Cli -- demo", readme);
    }
}
