using GhostYolo.Engine;
using GhostYolo.Tasks;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Engine;
using Microsoft.ML.OnnxRuntime;

namespace GhostYolo.Tests.Tasks;

/// <summary>Export as a task: the ONNX file it writes loads in ONNX Runtime with the model's input size and classes; a
/// cancelled export writes nothing.</summary>
public class ExportTaskTests
{
    [Fact]
    public void The_onnx_file_loads_in_onnx_runtime_with_the_checkpoints_size_and_classes()
    {
        using var d = new TempDir();
        var events = new List<ExportEvent>();
        var result = new ExportTask(new ExportOptions { Model = TaskFixture.Model, Output = d.File("m.onnx") }).Run(new SyncProgressRecorder<ExportEvent>(events));
        Assert.Equal(d.File("m.onnx"), result.Path);
        Assert.Equal(new FileInfo(result.Path).Length, result.Bytes);
        Assert.Equal(96, result.ImgSz);
        Assert.Equal(new ExportStarted(TaskFixture.Model, ExportFormat.Onnx), Assert.Single(events));

        using var session = new InferenceSession(result.Path);
        var input = Assert.Single(session.InputMetadata).Value;
        Assert.Equal([1, 3, 96, 96], input.Dimensions);
        var output = Assert.Single(session.OutputMetadata).Value;
        Assert.Equal(4 + 3, output.Dimensions[1]);   // (1, 4 + nc, anchors)
    }

    [Fact]
    public void A_cancelled_export_writes_nothing()
    {
        using var d = new TempDir();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new ExportTask(new ExportOptions { Model = TaskFixture.Model, Output = d.File("m.onnx") }).Run(ct: cts.Token));
        Assert.Empty(Directory.GetFiles(d.Path));
    }
}
