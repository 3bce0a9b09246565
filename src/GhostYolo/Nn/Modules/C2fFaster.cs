namespace GhostYolo.Nn.Modules;

/// <summary>
/// YAML <c>C2f_Faster</c>: the C2f skeleton with <see cref="FasterBlock"/>(c, c) blocks (FasterNet, Chen et al. CVPR 2023;
/// block.py <c>C2f_Faster</c>). Args as <see cref="C2f"/>; shortcut unused (each block has its own residual).
/// </summary>
internal static class C2fFaster
{
    public static LayerBuild Build(LayerContext ctx) => C2f.BuildWith(ctx, c => ch => new FasterBlock(ch, ch, c.Act));
}
