namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// A MOTChallenge text file or <c>seqinfo.ini</c> that cannot be read: the message names the file, the line and
/// what to fix.
/// </summary>
internal sealed class MotFormatException(string message) : Exception(message);
