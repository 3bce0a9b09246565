namespace GhostYolo.Tests.Engine;

/// <summary>Records progress events synchronously, in order.</summary>
public sealed class SyncProgressRecorder<T>(List<T> events) : IProgress<T>
{
    public void Report(T value) { lock (events) events.Add(value); }
}
