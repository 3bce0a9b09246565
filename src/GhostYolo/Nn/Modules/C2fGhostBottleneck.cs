namespace GhostYolo.Nn.Modules;

/// <summary>
/// YAML <c>C2f_GhostBottleneck</c>: the C2f skeleton with official GhostNet bottlenecks <see cref="GhostBottleneckV1"/>(c, c, c)
/// (GhostNet, Han et al. 2020; the "C2f + Ghost" YOLOv8 improvement posts, modules.md §5.1). Args as <see cref="C2f"/>; the
/// shortcut flag is accepted but unused (the block always has its identity shortcut). cv1/cv2 are the fusable ultralytics Conv.
/// </summary>
internal static class C2fGhostBottleneck
{
    public static LayerBuild Build(LayerContext ctx) => C2f.BuildWith(ctx, _ => ch => new GhostBottleneckV1(ch, ch, ch));
}
