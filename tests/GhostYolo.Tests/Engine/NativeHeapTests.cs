using GhostYolo.Platform;

namespace GhostYolo.Tests.Engine;

public class NativeHeapTests
{
    [Fact]
    public void TheHostsConfigureCallTunesGlibcMallocOnLinux()
    {
        Assert.True(OperatingSystem.IsLinux());
        Assert.Null(Environment.GetEnvironmentVariable("GHOSTYOLO_MALLOC"));
        GhostYoloRuntime.Configure(); // the test host's own call is in TestHost.cs; a second call changes nothing
        Assert.True(GhostYoloRuntime.MallocTuned, "mallopt was not applied: tensor memory would be page-faulted in again every step");
    }

    [Fact]
    public void TheHostsConfigureCallRunsOpenCvOnItsCallingThreads()
    {
        GhostYoloRuntime.Configure();
        Assert.Equal(1, GhostYoloRuntime.OpenCvThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => GhostYoloRuntime.Configure(new RuntimeSettings { OpenCvThreads = 0 }));
        Assert.Equal(1, GhostYoloRuntime.OpenCvThreads);
    }

    [Fact]
    public void UseThreadsRestoresTheThreadCountBefore()
    {
        int before = GhostYoloRuntime.Threads;
        int other = before == 1 ? 2 : 1;
        using (GhostYoloRuntime.UseThreads(other)) Assert.Equal(other, GhostYoloRuntime.Threads);
        Assert.Equal(before, GhostYoloRuntime.Threads);
        Assert.Throws<ArgumentOutOfRangeException>(() => GhostYoloRuntime.Configure(new RuntimeSettings { Threads = 0 }));
    }
}
