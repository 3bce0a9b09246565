using GhostYolo.Engine;

namespace GhostYolo.Tests.Engine;

public class NativeHeapTests
{
    [Fact]
    public void LoadingGhostYoloTunesGlibcMallocOnLinux()
    {
        Assert.True(OperatingSystem.IsLinux());
        Assert.Null(Environment.GetEnvironmentVariable("GHOSTYOLO_MALLOC"));
        Assert.True(NativeHeap.Tuned, "mallopt was not applied: tensor memory would be page-faulted in again every step");
    }
}
