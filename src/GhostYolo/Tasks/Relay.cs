namespace GhostYolo.Tasks;

/// <summary>A synchronous <see cref="IProgress{T}"/>: <see cref="Progress{T}"/> would post to the thread pool and reorder
/// events, so every task reports through this on the calling thread, in order.</summary>
internal sealed class Relay<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
