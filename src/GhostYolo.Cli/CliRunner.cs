using System.CommandLine;
using GhostYolo.Nn;
using Spectre.Console;

namespace GhostYolo.Cli;

/// <summary>Runs the parsed command and turns the errors a user can act on into one red line and exit code 2.</summary>
public static class CliRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        try
        {
            // System.CommandLine's own handler would print every exception as "Unhandled exception" with a stack trace and
            // exit 1; the user errors below get one line instead, anything else still surfaces with its trace.
            return root.Parse(KeyValueArgs.Normalize(args)).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
    }

    public static bool IsUserError(Exception e) => e is ModelDefinitionException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or GhostYolo.Data.DatasetException or ArgumentException or NotSupportedException or OperationCanceledException;
}

/// <summary>Accepts ultralytics-style <c>key=value</c> arguments (<c>epochs=30 imgsz=320</c>) as <c>--key value</c>.</summary>
public static class KeyValueArgs
{
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>();
        foreach (var a in args)
        {
            int eq = a.IndexOf('=');
            if (!a.StartsWith('-') && eq > 0 && a[..eq].All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                result.Add("--" + a[..eq].Replace('_', '-'));
                result.Add(a[(eq + 1)..]);
            }
            else result.Add(a);
        }
        return result.ToArray();
    }
}
