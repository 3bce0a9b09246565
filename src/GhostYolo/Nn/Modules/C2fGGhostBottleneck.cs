namespace GhostYolo.Nn.Modules;

/// <summary>
/// YAML <c>C2f_g_ghostBottleneck</c>: the C2f skeleton with G-GhostNet's RegNet <see cref="GGhostBottleneck"/>(c, c), group_width 1
/// so the 3×3 is depth-wise (G-GhostNet, Han et al. IJCV 2022; modules.md §3, §5.1). Args as <see cref="C2f"/>; shortcut unused.
/// </summary>
internal static class C2fGGhostBottleneck
{
    public static LayerBuild Build(LayerContext ctx) => C2f.BuildWith(ctx, _ => ch => new GGhostBottleneck(ch, ch));
}
