namespace GhostYolo.Nn.Modules;

/// <summary>C3 with ultralytics GhostBottlenecks inside (ultralytics <c>C3Ghost</c>, used by yolov8-ghost / yolov5s-ghost).</summary>
internal static class C3Ghost
{
    public static LayerBuild Build(LayerContext ctx)
        => C3.BuildWith(ctx, c => ch => new GhostBottleneck(ch, ch, 3, 1, c.Act));
}
