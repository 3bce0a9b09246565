using GhostYolo.Onnx;

namespace GhostYolo.Tests.Onnx;

public class OrtRunTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("0", false)]
    [InlineData("yes", false)]
    public void Only_an_explicit_opt_in_makes_onnx_runtime_spin(string? setting, bool spins)
        => Assert.Equal(spins, OrtRun.SpinWithinRun(setting));
}
