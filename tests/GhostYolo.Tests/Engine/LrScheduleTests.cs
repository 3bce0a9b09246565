using GhostYolo.Engine;

namespace GhostYolo.Tests.Engine;

public class LrScheduleTests
{
    [Fact]
    public void LinearLambda()
    {
        // lf(e) = max(1 − e/100, 0)·0.99 + 0.01
        Assert.Equal(1.0, LrSchedule.Linear(0, 100, 0.01), 12);
        Assert.Equal(0.505, LrSchedule.Linear(50, 100, 0.01), 12);
        Assert.Equal(0.0199, LrSchedule.Linear(99, 100, 0.01), 12);
        Assert.Equal(0.01, LrSchedule.Linear(100, 100, 0.01), 12);
        Assert.Equal(0.01, LrSchedule.Linear(150, 100, 0.01), 12);   // the max(…, 0) keeps fine-tuning past the end at lrf
    }

    [Fact]
    public void CosineLambda()
    {
        // e = 25 of 100: (1 − cos(π/4))/2 = 0.1464466 → 0.1464466·(0.01 − 1) + 1 = 0.8550178
        var lf = LrSchedule.Lambda(100, 0.01, cosine: true);
        Assert.Equal(1.0, lf(0), 12);
        Assert.Equal(0.8550178, lf(25), 6);
        Assert.Equal(0.505, lf(50), 12);
        Assert.Equal(0.01, lf(100), 12);
    }

    [Fact]
    public void WarmupIterations()
    {
        Assert.Equal(150, Warmup.Iterations(3.0, 50));      // round(150)
        Assert.Equal(100, Warmup.Iterations(3.0, 10));      // at least 100
        Assert.Equal(102, Warmup.Iterations(0.5, 205));     // round(102.5) = 102 (half to even)
        Assert.Equal(-1, Warmup.Iterations(0, 50));
        Assert.Equal(100, Warmup.Iterations(0, 50, yolov5: true));
    }

    [Fact]
    public void WarmupValuesAtStartMiddleAndEnd()
    {
        var s = new WarmupSettings();   // bias lr 0.1, momentum 0.8 → 0.937, nbs 64
        // ni = 75 of nw = 150, batch 16, lr0 0.01, lf(0) = 1:
        //   bias lr = 0.1 + (0.01 − 0.1)·0.5 = 0.055; other groups 0 + 0.01·0.5 = 0.005;
        //   momentum = 0.8 + 0.137·0.5 = 0.8685; accumulate = round(1 + 3·0.5) = round(2.5) = 2 (half to even).
        var bias = Warmup.At(75, 150, 0, 0.01, 1.0, 16, s);
        var weights = Warmup.At(75, 150, 1, 0.01, 1.0, 16, s);
        Assert.Equal(0.055, bias.Lr, 12);
        Assert.Equal(0.005, weights.Lr, 12);
        Assert.Equal(0.8685, bias.Momentum, 12);
        Assert.Equal(2, bias.Accumulate);

        var start = Warmup.At(0, 150, 0, 0.01, 1.0, 16, s);
        Assert.Equal((0.1, 0.8, 1), (start.Lr, start.Momentum, start.Accumulate));
        // End of warm-up in epoch 2 of 100: lr reaches lr0·lf(2) = 0.01·0.9802 and accumulate nbs/batch = 4.
        var end = Warmup.At(150, 150, 1, 0.01, LrSchedule.Linear(2, 100, 0.01), 16, s);
        Assert.Equal(0.009802, end.Lr, 12);
        Assert.Equal(0.937, end.Momentum, 12);
        Assert.Equal(4, end.Accumulate);
        // ni = 50 of 150 → accumulate round(1 + 3/3) = 2; ni = 100 → round(3) = 3.
        Assert.Equal(2, Warmup.Accumulate(50, 150, 16));
        Assert.Equal(3, Warmup.Accumulate(100, 150, 16));
    }
}
