using System.Diagnostics;

namespace GhostYolo.Tests.Cli;

/// <summary>Runs the built <c>ghostyolo</c> command as a user would, in its own process, and collects what it printed.</summary>
internal static class GhostYoloProcess
{
    /// <summary>Runs <c>ghostyolo <paramref name="args"/></c> in <paramref name="workingDirectory"/> and asserts that it exits 0
    /// (the message carries its stderr); returns its standard output. <paramref name="environment"/> adds variables.</summary>
    public static async Task<string> RunAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(RepoPaths.Built("src/GhostYolo.Cli", "ghostyolo")) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var stderr = p.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = await p.StandardOutput.ReadToEndAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {await stderr}");
        return stdout;
    }
}
