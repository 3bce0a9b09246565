using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// Integral module of Distribution Focal Loss (ultralytics <c>DFL</c>): the expectation of a softmax over reg_max bins,
/// computed by a frozen 1×1 conv whose weights are 0..reg_max−1 (its 16 weights count as parameters, not gradients).
/// </summary>
internal sealed class DFL : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly TorchSharp.Modules.Conv2d conv;
    private readonly long c1;

    public DFL(long c1 = 16) : base(nameof(DFL))
    {
        this.c1 = c1;
        conv = nn.Conv2d(c1, 1, 1, bias: false);
        using (no_grad()) conv.weight!.copy_(arange(c1, dtype: ScalarType.Float32).view(1, c1, 1, 1));
        conv.weight!.requires_grad = false;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], a = x.shape[2];                           // x: (B, 4*c1, A)
        // Same as ultralytics' conv(x.view(b,4,c1,a).transpose(2,1).softmax(1)), without the transpose copy and the
        // 16→1 conv launch: the expectation Σ_k softmax_k · w_k with w = the frozen conv weights (0..c1−1).
        var p = x.view(b, 4, c1, a).softmax(2);                         // (B, 4, c1, A)
        return (p * conv.weight!.view(1, 1, c1, 1)).sum(2);             // (B, 4, A)
    }

    /// <summary>The same expectation with the bins innermost: (…, 4·c1) → (…, 4), no transpose needed.</summary>
    public Tensor Expectation(Tensor x) => x.unflatten(x.dim() - 1, [4, c1]).softmax(-1).matmul(conv.weight!.view(c1).to(x.dtype));

    public string[] ExportOnnx(OnnxGraph g, string[] x)                     // (B, 4*c1, A) → (B, 4, A)
    {
        var p = g.Node("Softmax", [g.Node("Reshape", [x[0], g.Int64s(0, 4, c1, -1)])], ("axis", 2L));
        return [g.Node("ReduceSum", [g.Node("Mul", [p, g.Weight(conv.weight!.view(1, 1, c1, 1))]), g.Int64s(2)], ("keepdims", 0L))];
    }
}
