using GhostYolo.Nn.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>
/// Stochastic depth per sample (Huang et al. 2016; timm <c>DropPath</c>): in training, zero a sample's residual branch with
/// probability p and scale the kept ones by 1/(1−p); identity in eval or when p = 0. Has no parameters.
/// </summary>
internal sealed class DropPath : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly double drop_prob;
    private readonly Generator? generator;

    /// <param name="generator">Random source for the masks; null uses libtorch's default generator (as timm does).</param>
    public DropPath(double dropProb, Generator? generator = null) : base(nameof(DropPath))
    {
        if (dropProb is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropProb), dropProb, "drop path rate must lie in [0, 1)");
        drop_prob = dropProb;
        this.generator = generator;
        RegisterComponents();
    }

    public double DropProb => drop_prob;

    public override Tensor forward(Tensor x)
    {
        if (drop_prob == 0 || !training) return x;
        double keep = 1 - drop_prob;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];                                                           // (B, 1, 1, 1)
        var mask = empty(shape, dtype: x.dtype, device: x.device).bernoulli_(keep, generator: generator).div_(keep);
        return x * mask;
    }

    /// <summary>Identity: drop path only acts in training.</summary>
    public string[] ExportOnnx(OnnxGraph g, string[] x) => x;
}
