using GhostYolo.Nn.Profiling;

namespace GhostYolo.Benchmarks;

/// <summary>What <see cref="CompareTask"/> compares: the models and how each is measured (defaults: 640, the YAML's nc,
/// unfused, no timing, 20 timed runs when timing, layers counted as modules).</summary>
public sealed record CompareTaskOptions
{
    /// <summary>Model YAMLs (paths or names such as <c>yolov8n.yaml</c>) or checkpoints, one row each.</summary>
    public required IReadOnlyList<string> Models { get; init; }
    /// <summary>What is counted and timed for every model.</summary>
    public ComparisonOptions Measure { get; init; } = new(640, null, Fused: false, Speed: false, Runs: 20, Macs: false, LayerRule.Modules);
}

/// <summary>Progress of a <see cref="CompareTask"/>, reported through <see cref="IProgress{T}"/> on the calling thread, in order.</summary>
public abstract record CompareEvent;

/// <summary>One model is measured (its row may carry a note or a precision fallback worth showing).</summary>
/// <param name="Model">The model as given.</param>
/// <param name="Row">Its measurements.</param>
public sealed record ModelCompared(string Model, CompareRow Row) : CompareEvent;

/// <summary>The comparison table's rows, in the order of <see cref="CompareTaskOptions.Models"/>.</summary>
/// <param name="Rows">One row per model.</param>
public sealed record CompareResult(IReadOnlyList<CompareRow> Rows);

/// <summary>
/// Model comparison as a library task (<c>ghostyolo compare</c>, the demo's table): for each model, layers, parameters,
/// gradients, GFLOPs (or MACs), size and, when asked, latency (<see cref="Comparison.Measure"/>).
/// </summary>
public sealed class CompareTask(CompareTaskOptions options)
{
    /// <summary>The options this task compares with.</summary>
    public CompareTaskOptions Options { get; } = options;

    /// <summary>Measures every model in turn; each model is released before the next loads. Cancellation is honoured between models.</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public CompareResult Run(IProgress<CompareEvent>? progress = null, CancellationToken ct = default)
    {
        var rows = new List<CompareRow>();
        foreach (var model in Options.Models)
        {
            ct.ThrowIfCancellationRequested();
            var row = Comparison.Measure(model, Options.Measure);
            progress?.Report(new ModelCompared(model, row));
            rows.Add(row);
        }
        return new CompareResult(rows);
    }
}
