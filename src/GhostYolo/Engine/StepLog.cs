using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhostYolo.Engine;

/// <summary>
/// JSON lines, one per training batch: step, epoch, batch, the lr and momentum of each parameter group the batch ran with,
/// its instances and the epoch's running-mean losses. The format tools/fidelity/compare_steps.py reads next to yolov5's log;
/// written by <c>ghostyolo train --step-log</c> and tools/fidelity/replay.cs.
/// </summary>
internal sealed class StepLog(string path) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly StreamWriter _writer = new(path);
    private long _step;

    /// <summary>Appends <paramref name="b"/>'s line and flushes, so an interrupted run keeps every finished batch.</summary>
    public void Write(BatchEnded b)
    {
        _writer.WriteLine(JsonSerializer.Serialize(new StepLine(_step++, b.Epoch, b.Batch - 1, b.Lr, b.Momentum, b.Instances, b.Loss), Json));
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    private sealed record StepLine(
        [property: JsonPropertyName("step")] long Step, [property: JsonPropertyName("epoch")] int Epoch,
        [property: JsonPropertyName("batch")] int Batch, [property: JsonPropertyName("lr")] double[]? Lr,
        [property: JsonPropertyName("momentum")] double[]? Momentum, [property: JsonPropertyName("targets")] int Targets,
        [property: JsonPropertyName("mean_loss")] double[] MeanLoss);
}
