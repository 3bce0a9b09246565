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

    /// <summary>The serialized ONNX model. Export the fused model in eval mode: BatchNorm is written as in the module tree.</summary>
    /// <exception cref="NotSupportedException">A layer has no ONNX form; the message names it.</exception>
    public static byte[] Export(DetectionModel model, int batch, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new OnnxGraph(height, width);
        var images = g.Input(InputName, OnnxGraph.ElementType.UInt8, [batch, 3, height, width]);
        var x = g.Node("Div", [g.Node("Cast", [images], ("to", (long)OnnxGraph.ElementType.Float)), g.Scalar(255)]);
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
        return g.ToModel(last as string[] ?? [(string)last]);
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
