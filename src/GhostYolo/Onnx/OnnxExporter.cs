using GhostYolo.Nn;
using GhostYolo.Onnx.Quantization;
using static TorchSharp.torch;

using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx;

/// <summary>
/// Exports a <see cref="DetectionModel"/> to an ONNX graph for one input shape: uint8 RGB images (B, 3, H, W) in, the
/// decoded head output out — exactly what <c>model.call(model.PrepareInput(images))</c> returns (v8 (B, 4+nc, A),
/// v5 (B, A, 5+nc)) — so the same NMS and scaling run on either engine. Every block of the built-in registry that
/// appears in the detection YAMLs knows its ONNX form (<see cref="IOnnxExportable"/>).
/// </summary>
internal static class OnnxExporter
{
    public const string InputName = "images";

    /// <summary>The graph ONNX Runtime runs inside GhostYolo: uint8 images in, one fixed shape. Export the fused model in
    /// eval mode: BatchNorm is written as in the module tree.</summary>
    /// <exception cref="NotSupportedException">A layer has no ONNX form; the message names it.</exception>
    /// <param name="int8">Quantize the convolutions (QDQ form) with these calibrated ranges; null: fp32.</param>
    public static byte[] Export(DetectionModel model, int batch, int height, int width, QuantizationPlan? int8 = null)
    {
        var (g, outputs) = Build(model, batch, height, width, uint8Input: true, outputName: null);
        if (int8 is not null) Quantize(g, int8);
        return g.ToModel(outputs, null);
    }

    /// <summary>The fp32 graph with every quantization point (<see cref="QdqQuantizer.Points"/>) as an extra output, after
    /// the model's own: what calibration runs.</summary>
    public static (byte[] Model, IReadOnlyList<QdqQuantizer.Point> Points) ExportForCalibration(DetectionModel model, int batch, int height, int width)
    {
        var (g, outputs) = Build(model, batch, height, width, uint8Input: true, outputName: null);
        BatchNormFolding.Apply(g);
        var points = QdqQuantizer.Points(g);
        foreach (var tensor in points.Select(p => p.Tensor).Distinct()) g.Output(tensor, OnnxGraph.ElementType.Float);
        return (g.ToModel(outputs, null), points);
    }

    /// <summary>
    /// The file form other tools run, laid out as ultralytics exports it: input <c>images</c> (N, 3, H, W) float in [0, 1],
    /// output <c>output0</c>, <paramref name="metadata"/> in <c>metadata_props</c>. <paramref name="dynamicBatch"/> makes
    /// N symbolic; H and W are fixed because the decode's anchor grid is a constant of the graph.
    /// </summary>
    /// <param name="int8">Quantize the convolutions (QDQ form) with these calibrated ranges; null: fp32.</param>
    public static byte[] ExportFile(DetectionModel model, int batch, int height, int width, bool dynamicBatch, IReadOnlyDictionary<string, string> metadata,
        QuantizationPlan? int8 = null)
    {
        var (g, outputs) = Build(model, dynamicBatch ? -1 : batch, height, width, uint8Input: false, outputName: OutputName);
        if (int8 is not null) Quantize(g, int8);
        return g.ToModel(outputs, metadata);
    }

    /// <summary>The convolutions the int8 plan numbers, described in graph order ("model.4 3×3 32→64 /2").</summary>
    public static IReadOnlyList<string> ConvDescriptions(DetectionModel model, int height, int width)
    {
        var (g, _) = Build(model, 1, height, width, uint8Input: true, outputName: null);
        BatchNormFolding.Apply(g);
        return QdqQuantizer.Describe(g);
    }

    /// <summary>The int8 pass: standalone BatchNorms folded (as calibration saw the graph), then QDQ.</summary>
    private static void Quantize(OnnxGraph g, QuantizationPlan plan)
    {
        BatchNormFolding.Apply(g);
        QdqQuantizer.Apply(g, plan);
    }

    /// <summary>ultralytics' output name.</summary>
    public const string OutputName = "output0";

    private static (OnnxGraph Graph, string[] Outputs) Build(DetectionModel model, int batch, int height, int width, bool uint8Input, string? outputName)
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
                g.Scope = $"model.{i}";
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
        return (g, outputs);
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
