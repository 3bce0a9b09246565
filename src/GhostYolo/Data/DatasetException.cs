namespace GhostYolo.Data;

/// <summary>A dataset definition or dataset folder a user must fix; the message names the file (and key or line).</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);
