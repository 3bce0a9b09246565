using GhostYolo.Nn.Export;

namespace GhostYolo.Onnx.Quantization;

/// <summary>
/// Folds a BatchNormalization that is a convolution's only reader into the convolution's weights and bias (blocks such as
/// GhostNet's keep BatchNorm modules outside <c>Conv</c>, which <c>Fuse()</c> leaves in place). ONNX Runtime folds these
/// itself in a float graph, but not across the QuantizeLinear/DequantizeLinear the QDQ pass puts between them; folding first
/// lets the convolution and its normalization run as one integer kernel.
/// </summary>
internal static class BatchNormFolding
{
    public static void Apply(OnnxGraph g)
    {
        var nodes = g.Nodes.ToList();
        var readers = nodes.SelectMany(n => n.Inputs).GroupBy(x => x).ToDictionary(x => x.Key, x => x.Count());
        var producers = nodes.Select((n, i) => (n, i)).SelectMany(p => p.n.Outputs.Select(o => (o, p.i))).ToDictionary(p => p.o, p => p.i);
        var drop = new HashSet<int>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var bn = nodes[i];
            if (bn.Op != "BatchNormalization" || !producers.TryGetValue(bn.Inputs[0], out int c)) continue;
            var conv = nodes[c];
            if (conv.Op != "Conv" || readers.GetValueOrDefault(conv.Outputs[0]) != 1 || g.FloatInitializer(conv.Inputs[1]) is not { } w) continue;
            var p = bn.Inputs[1..5].Select(g.FloatInitializer).ToArray();
            if (p.Any(x => x is null)) continue;
            float eps = bn.Attributes.FirstOrDefault(a => a.Name == "epsilon").Value switch { double d => (float)d, float f => f, _ => 1e-5f };
            var (gamma, beta, mean, var) = (p[0]!.Value.Values, p[1]!.Value.Values, p[2]!.Value.Values, p[3]!.Value.Values);
            int cout = (int)w.Shape[0], per = w.Values.Length / cout;
            var bias = conv.Inputs.Length > 2 && conv.Inputs[2].Length > 0 ? g.FloatInitializer(conv.Inputs[2])!.Value.Values : new float[cout];
            var weights = w.Values.ToArray();
            var folded = new float[cout];
            for (int k = 0; k < cout; k++)
            {
                float f = gamma[k] / MathF.Sqrt(var[k] + eps);
                for (int j = 0; j < per; j++) weights[k * per + j] *= f;
                folded[k] = (bias[k] - mean[k]) * f + beta[k];
            }
            nodes[c] = conv with { Inputs = [conv.Inputs[0], g.Floats(weights, w.Shape), g.Floats(folded, cout)], Outputs = [bn.Outputs[0]] };
            drop.Add(i);
        }
        if (drop.Count == 0) return;
        g.ReplaceNodes(nodes.Where((_, i) => !drop.Contains(i)));
        g.RemoveUnusedInitializers();
    }
}
