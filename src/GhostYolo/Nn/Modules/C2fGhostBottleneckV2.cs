namespace GhostYolo.Nn.Modules;

/// <summary>
/// YAML <c>C2f_GhostBottleneckV2</c>: the C2f skeleton with <see cref="GhostBottleneckV2"/>(c, c, c) blocks (GhostNetV2, Tang et al.
/// NeurIPS 2022; modules.md §2, §5.1). By default the blocks run in 'original' mode (no DFC attention), which is what reproduces the
/// published table. YAML <c>[c2, shortcut=False, g=1, e=0.5, attn=False]</c>: the fifth argument <c>attn</c> (index 4) set to True
/// gives every block's ghost1 DFC attention (needs feature maps of at least 2×2).
/// </summary>
internal static class C2fGhostBottleneckV2
{
    public const int AttnArgIndex = 4;

    public static LayerBuild Build(LayerContext ctx)
    {
        bool attn = ctx.ArgCount > AttnArgIndex && ctx.Bool(AttnArgIndex, "attn");
        int layerId = attn ? 2 : 0;   // the reference's rule: layer_id ≤ 1 → 'original', otherwise 'attn'
        return C2f.BuildWith(ctx, _ => ch => new GhostBottleneckV2(ch, ch, ch, layerId: layerId), extraArgs: 1, ", attn=False");
    }
}
