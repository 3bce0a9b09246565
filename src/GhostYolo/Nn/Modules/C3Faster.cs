namespace GhostYolo.Nn.Modules;

/// <summary>
/// YAML <c>C3_Faster</c>: the C3 skeleton with <see cref="FasterBlock"/>(c_, c_) blocks (FasterNet, Chen et al. CVPR 2023;
/// block.py <c>C3_Faster</c>). Args as <see cref="C3"/>; shortcut unused.
/// </summary>
internal static class C3Faster
{
    public static LayerBuild Build(LayerContext ctx) => C3.BuildWith(ctx, c => ch => new FasterBlock(ch, ch, c.Act));
}
