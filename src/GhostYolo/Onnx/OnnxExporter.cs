using GhostYolo.Nn;
using static TorchSharp.torch;

namespace GhostYolo.Onnx;

/// <summary>
/// Exports a <see cref="DetectionModel"/> to an ONNX graph for one input shape: uint8 RGB images (B, 3, H, W) in, the
/// decoded head output out — exactly what <c>model.call(model.PrepareInput(images))</c> returns (v8 (B, 4+nc, A),
/// v5 (B, A, 5+nc)) — so the same NMS and scaling run on either engine. Every block of the built-in registry that
/// appears in the detection YAMLs knows its ONNX form (<see cref="IOnnxExportable"/>).
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "images";

    /// <summary>The graph ONNX Runtime runs inside GhostYolo: uint8 images in, one fixed shape. Export the fused model in
    /// eval mode: BatchNorm is written as in the module tree.</summary>
    /// <exception cref="NotSupportedException">A layer has no ONNX form; the message names it.</exception>
    public static byte[] Export(DetectionModel model, int batch, int height, int width)
        => Build(model, batch, height, width, uint8Input: true, outputName: null, metadata: null);

    /// <summary>
    /// The file form other tools run, laid out as ultralytics exports it: input <c>images</c> (N, 3, H, W) float in [0, 1],
    /// output <c>output0</c>, <paramref name="metadata"/> in <c>metadata_props</c>. <paramref name="dynamicBatch"/> makes
    /// N symbolic; H and W are fixed because the decode's anchor grid is a constant of the graph.
    /// </summary>
    public static byte[] ExportFile(DetectionModel model, int batch, int height, int width, bool dynamicBatch, IReadOnlyDictionary<string, string> metadata)
        => Build(model, dynamicBatch ? -1 : batch, height, width, uint8Input: false, outputName: OutputName, metadata);

    /// <summary>ultralytics' output name.</summary>
    public const string OutputName = "output0";

    private static byte[] Build(DetectionModel model, int batch, int height, int width, bool uint8Input, string? outputName, IReadOnlyDictionary<string, string>? metadata)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new OnnxGraph(height, width);
        string x;
        if (uint8Input)
        {
            var images = g.Input(InputName, OnnxGraph.ElementType.UInt8, [batch, 3, height, width]);
            x = g.Node("Div", [g.Node("Cast", [images], ("to", (long)OnnxGraph.ElementType.Float)), g.Scalar(255)]);
        }
        else x = g.Input(InputName, OnnxGraph.ElementType.Float, [batch, 3, height, width]);
        var modules = model.Modules;
        var last = model.RunLayers(x, (i, input) =>
        {
            try
            {
                var outputs = g.Module(modules[i], input as string[] ?? [(string)input]);
                return outputs.Length == 1 ? outputs[0] : outputs;
            }
            catch (NotSupportedException e)
            {
                throw new NotSupportedException($"layer {i} ({model.Layers[i].Module}): {e.Message}", e);
            }
        });
        var outputs = last as string[] ?? [(string)last];
        if (outputName is not null)
        {
            outputs = [g.Named(outputs[0], outputName), .. outputs.Skip(1)];
            // The declared output shape, from one forward pass at this size; a dynamic batch stays symbolic.
            using var probe = model.call(zeros([1, 3, height, width], dtype: model.parameters().First().dtype));
            g.OutputShapes = [[batch, .. probe.shape[1..]]];
        }
        return g.ToModel(outputs, metadata);
    }

    /// <summary>Null when every layer exports, else the reason (the first layer without an ONNX form).</summary>
    public static string? WhyNotExportable(DetectionModel model)
    {
        try
        {
            int s = (int)model.MaxStride;
            Export(model, 1, s, s);
            return null;
        }
        catch (NotSupportedException e) { return e.Message; }
    }
}
