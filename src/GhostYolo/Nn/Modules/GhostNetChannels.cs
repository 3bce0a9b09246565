namespace GhostYolo.Nn.Modules;

/// <summary>
/// GhostNet's channel rounding (huawei-noah ghostnet_pytorch <c>_make_divisible</c>, taken from TF MobileNet): round to the
/// nearest multiple of <c>divisor</c>, never dropping more than 10 %. Not the YOLO <c>make_divisible</c> (ceil to 8).
/// </summary>
internal static class GhostNetChannels
{
    public static int MakeDivisible(double v, int divisor, int? minValue = null)
    {
        int min = minValue ?? divisor;
        // Python: int(v + divisor / 2) // divisor * divisor (true division, then truncation).
        int rounded = Math.Max(min, (int)(v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }
}
