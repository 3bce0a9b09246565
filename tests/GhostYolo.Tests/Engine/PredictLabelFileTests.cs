using GhostYolo.Engine;
using GhostYolo.Engine.Sinks;

namespace GhostYolo.Tests.Engine;

public class PredictLabelFileTests
{
    [Fact]
    public void Format_IsNormalisedCxCyWh_WithOptionalConfidence()
    {
        // Box (10, 20)–(50, 60) on a 100×200 (H×W) image: cx 30/200, cy 40/100, w 40/200, h 40/100.
        Detection[] d = [new(10, 20, 50, 60, 0.875f, 2), new(0, 0, 200, 100, 0.5f, 0)];
        Assert.Equal("2 0.15 0.4 0.2 0.4\n0 0.5 0.5 1 1\n", LabelFile.Format(d, (100, 200), saveConf: false));
        Assert.Equal("2 0.15 0.4 0.2 0.4 0.875\n0 0.5 0.5 1 1 0.5\n", LabelFile.Format(d, (100, 200), saveConf: true));
    }

    [Theory]
    [InlineData(0.123456789, "0.123457")]
    [InlineData(0.0123456789, "0.0123457")]
    [InlineData(0.5, "0.5")]
    [InlineData(1.0, "1")]
    [InlineData(0.000012, "1.2e-05")]
    [InlineData(123.4567891, "123.457")]
    [InlineData(0.9999999, "1")]
    public void G_MatchesPythonPercentG(double v, string expected) => Assert.Equal(expected, LabelFile.G(v));
}
