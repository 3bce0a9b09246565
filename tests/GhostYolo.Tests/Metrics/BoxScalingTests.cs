using GhostYolo.Metrics;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Metrics;

public class BoxScalingTests
{
    [Fact]
    public void WithoutRatioPad_RecomputesGainAndPad_RoundTrips()
    {
        // 1280×720 frame → 640×384 predict tensor: gain 0.5, pad (0, round(12 − 0.1) = 12).
        Assert.Equal((0.5, 0.0, 12.0), BoxScaling.GainAndPad((384, 640), (720, 1280)));
        using var orig = tensor(new float[] { 100, 200, 300, 400, 0.9f, 3 }).reshape(1, 6);
        using var input = BoxScaling.ToInput((384, 640), orig, (720, 1280));
        Assert.Equal(new float[] { 50, 112, 150, 212, 0.9f, 3 }, input.data<float>().ToArray());
        using var back = BoxScaling.ScaleBoxes((384, 640), input, (720, 1280));
        Assert.Equal(orig.data<float>().ToArray(), back.data<float>().ToArray());
    }

    [Fact]
    public void RoundMinusPointOneRule_OddPadGoesToBottom()
    {
        // 481 rows into 640: half-pad 79.5 → ultralytics round(79.4) = 79 (top); yolov5 keeps 79.5.
        Assert.Equal(79.0, BoxScaling.GainAndPad((640, 640), (481, 640)).PadH);
        Assert.Equal(79.5, BoxScaling.GainAndPad((640, 640), (481, 640), yolov5: true).PadH);
    }

    [Fact]
    public void WithRatioPad_UsesHeightRatioAndIntPads_AndClips()
    {
        // 500×375 (W×H) letterboxed to 640: ratio 1.28, pad left 0, top 80.
        var rp = (1.28, 0.0, 80.0);
        using var b = tensor(new float[] { 64, 208, 192, 336, -10, 70, 700, 600 }).reshape(2, 4);
        using var s = BoxScaling.ScaleBoxes((640, 640), b, (375, 500), rp);
        var v = s.data<float>().ToArray();
        Assert.Equal(new float[] { 50, 100, 150, 200 }, v[..4].Select(x => MathF.Round(x, 3)).ToArray());
        Assert.Equal(new float[] { 0, 0, 500, 375 }, v[4..]);   // clipped to the original image
    }
}
