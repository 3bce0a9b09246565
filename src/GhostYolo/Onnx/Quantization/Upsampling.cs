using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx.Quantization;

/// <summary>
/// Nearest-neighbour upsampling by whole factors on the 8-bit tensor itself, as data movement ONNX Runtime does fast in
/// the channels-last layout of its integer convolutions. ONNX Runtime runs a quantized Resize channels-last too, but only
/// its channels-first 2× case has a fast path; channels-last it maps every element through index tables, which made the
/// neck's two upsamplings cost as much as several convolutions. Written out as Transpose (to NHWC) → Unsqueeze → Expand →
/// Reshape → Transpose (back), the two transposes cancel against the ones ONNX Runtime puts around its NHWC kernels, and
/// what remains copies whole rows of channels.
/// </summary>
internal static class Upsampling
{
    /// <summary>The (height, width) factors of a Resize that repeats each pixel — nearest, asymmetric coordinates, floor
    /// rounding, scales (1, 1, fh, fw) with whole fh, fw ≥ 1 — or null.</summary>
    public static (long H, long W)? Factors(OnnxGraph g, OnnxNode resize)
    {
        string? Attr(string name) => resize.Attributes.FirstOrDefault(a => a.Name == name).Value as string;
        if (resize.Op != "Resize" || Attr("mode") != "nearest" || Attr("coordinate_transformation_mode") != "asymmetric"
            || Attr("nearest_mode") != "floor" || resize.Inputs.Length != 3) return null;
        if (g.FloatInitializer(resize.Inputs[2]) is not { Values: [1f, 1f, var fh, var fw] }) return null;
        return fh >= 1 && fw >= 1 && fh == MathF.Floor(fh) && fw == MathF.Floor(fw) ? ((long)fh, (long)fw) : null;
    }

    /// <summary>Upsamples the 8-bit input of <paramref name="source"/> (a DequantizeLinear) and dequantizes the result with
    /// the same scale and zero point; returns the float tensor's name. Nodes are added to <paramref name="result"/>.</summary>
    public static string OnBytes(OnnxGraph g, OnnxNode source, (long H, long W) f, List<OnnxNode> result)
    {
        string Add(string op, string[] inputs, params (string, object)[] attributes)
        {
            string name = g.NewName(op);
            result.Add(new OnnxNode(op, inputs, [name], attributes));
            return name;
        }
        var nhwc = Add("Transpose", [source.Inputs[0]], ("perm", new long[] { 0, 2, 3, 1 }));                 // (N, H, W, C)
        var size = Add("Mul", [Add("Shape", [nhwc]), g.Int64s(1, f.H, f.W, 1)]);                              // (N, fh·H, fw·W, C)
        var spread = Add("Expand", [Add("Unsqueeze", [nhwc, g.Int64s(2, 4)]), g.Int64s(1, 1, f.H, 1, f.W, 1)]); // (N, H, fh, W, fw, C)
        var nchw = Add("Transpose", [Add("Reshape", [spread, size])], ("perm", new long[] { 0, 3, 1, 2 }));
        return Add("DequantizeLinear", [nchw, source.Inputs[1], source.Inputs[2]]);
    }
}
