using Microsoft.Extensions.Logging;

namespace GhostYolo.Cli;

/// <summary>The library logs through ILogger; the CLI prints informational and warning lines plainly.</summary>
public sealed class ConsoleLogger(LogLevel minimum = LogLevel.Information) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var message = formatter(state, exception);
        if (logLevel >= LogLevel.Warning) Console.Error.WriteLine($"WARNING {message}");
        else Console.WriteLine(message);
    }
}
