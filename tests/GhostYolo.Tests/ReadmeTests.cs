namespace GhostYolo.Tests;

/// <summary>README.md and .ci/run must agree on the test command, so CI runs exactly what a newcomer runs.</summary>
public class ReadmeTests
{
    [Fact]
    public void CiRunsTheReadmeTestCommand()
    {
        var root = RepoPaths.Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var ci = File.ReadAllLines(Path.Combine(root, ".ci", "run"));
        var command = ci.SkipWhile(l => !l.StartsWith("# The README's test command")).Skip(1).First().Split(" 2>&1")[0];
        Assert.Equal("dotnet test -c Release", command);
        Assert.Contains("```bash\n" + command + "\n```", readme);
        Assert.Contains("dotnet run -c Release --project src/GhostYolo.Cli -- demo", readme);
    }
}
