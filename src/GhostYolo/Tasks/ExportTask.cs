using GhostYolo.Engine;
using Microsoft.Extensions.Logging;

namespace GhostYolo.Tasks;

/// <summary>Progress of an <see cref="ExportTask"/>, reported through <see cref="IProgress{T}"/> on the calling thread.</summary>
public abstract record ExportEvent;

/// <summary>The export is starting: the model loads next, then (for int8) calibration, then the file is written.</summary>
/// <param name="Model">The model being exported.</param>
/// <param name="Format">The format it is written in.</param>
public sealed record ExportStarted(string Model, ExportFormat Format) : ExportEvent;

/// <summary>
/// Export as a library task (ultralytics <c>yolo export</c>): <see cref="ExportOptions"/> in, <see cref="Run"/>, an
/// <see cref="ExportResult"/> (the file, its size and input size) out. The <c>export</c> command and apps call this;
/// the writing itself is <see cref="Exporter"/>'s.
/// </summary>
public sealed class ExportTask
{
    private readonly ILogger? logger;

    /// <summary>An export task for <paramref name="options"/>; <paramref name="logger"/> receives what int8 calibration logs.</summary>
    public ExportTask(ExportOptions options, ILogger? logger = null) { Options = options; this.logger = logger; }

    /// <summary>The options this task exports with.</summary>
    public ExportOptions Options { get; }

    /// <summary>Exports. The file is written to a temporary name and renamed, so a failed or cancelled export leaves no
    /// half-written file. Cancellation is honoured before the export starts.</summary>
    /// <exception cref="ArgumentException">Options that do not fit (int8 other than ONNX, a size that is not a multiple of the stride, …).</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the export started.</exception>
    public ExportResult Run(IProgress<ExportEvent>? progress = null, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        progress?.Report(new ExportStarted(Options.Model, Options.Format));
        return Exporter.Run(Options, logger);
    }
}
