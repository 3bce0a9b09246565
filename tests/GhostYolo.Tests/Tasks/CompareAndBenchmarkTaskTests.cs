using GhostYolo.Benchmarks;
using GhostYolo.Nn.Profiling;
using GhostYolo.Tests.Engine;

namespace GhostYolo.Tests.Tasks;

/// <summary>The comparison and benchmark tasks: rows equal to measuring each model directly, one event per model or table,
/// and cancellation between models.</summary>
public class CompareAndBenchmarkTaskTests
{
    private static readonly ComparisonOptions Counting = new(320, 4, Fused: true, Speed: false, Runs: 1, Macs: true, LayerRule.Modules);

    [Fact]
    public void Compare_gives_one_row_per_model_equal_to_measuring_it_directly()
    {
        var events = new List<CompareEvent>();
        string[] models = ["yolov8n.yaml", "yolov5n.yaml"];
        var result = new CompareTask(new CompareTaskOptions { Models = models, Measure = Counting }).Run(new SyncProgressRecorder<CompareEvent>(events));
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal(models, events.Cast<ModelCompared>().Select(e => e.Model));
        for (int i = 0; i < models.Length; i++)
        {
            var direct = Comparison.Measure(models[i], Counting);
            Assert.Equal(direct.Profile.Parameters, result.Rows[i].Profile.Parameters);
            Assert.Equal(direct.Profile.GFlops, result.Rows[i].Profile.GFlops);
            Assert.Equal(direct.Macs, result.Rows[i].Macs);
        }
        Assert.True(result.Rows[0].Profile.Parameters > result.Rows[1].Profile.Parameters);   // yolov8n is larger than yolov5n
    }

    [Fact]
    public void Compare_stops_between_models_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => new CompareTask(new CompareTaskOptions { Models = ["yolov8n.yaml", "yolov5n.yaml"], Measure = Counting })
            .Run(new CancelOnFirst(cts, () => seen++), cts.Token));
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Benchmark_reports_the_machine_line_and_each_table_it_was_asked_for()
    {
        var events = new List<BenchmarkEvent>();
        var result = new BenchmarkTask(new BenchmarkTaskOptions { Models = ["yolov8n.yaml"], What = new HashSet<string> { "load" }, Precisions = [GhostYolo.Nn.Precision.Fp32] })
            .Run(new SyncProgressRecorder<BenchmarkEvent>(events));
        Assert.StartsWith("cores: ", Assert.IsType<BenchmarkNote>(events[0]).Message);
        var load = Assert.IsType<LoadMeasured>(Assert.Single(result.Tables));
        Assert.Equal("yolov8n.yaml", Assert.Single(load.Rows).Model);
        Assert.True(load.Rows[0].MedianMs > 0);
        Assert.Same(load, events[^1]);
    }

    private sealed class CancelOnFirst(CancellationTokenSource cts, Action seen) : IProgress<CompareEvent>
    {
        public void Report(CompareEvent value) { seen(); cts.Cancel(); }
    }
}
