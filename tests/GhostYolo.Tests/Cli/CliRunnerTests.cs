using System.CommandLine;
using GhostYolo.Cli;
using GhostYolo.Cli.Commands;

namespace GhostYolo.Tests.Cli;

public class CliRunnerTests
{
    [Fact]
    public void AMissingModelIsAUserErrorWithExitCode2()
    {
        // Exit code 2 comes only from CliRunner's one-line error path; System.CommandLine's default handler (stack trace) exits 1.
        var root = new RootCommand { SummaryCommand.Create() };
        Assert.Equal(2, CliRunner.Run(root, ["summary", "no-such-model.yaml"]));
    }
}
