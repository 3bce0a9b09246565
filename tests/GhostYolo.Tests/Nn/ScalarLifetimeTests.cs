using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn;

/// <summary>
/// TorchSharp frees a temporary <see cref="Scalar"/> (the <c>0.5</c> of <c>x.mul_(0.5)</c>) from its finalizer, which a
/// garbage collection started by another thread can run while libtorch still reads it. tools/fix-libtorchsharp.sh
/// defers that release; without it this loop fails a dozen times in five seconds ("Expected false to be true").
/// It runs alone: its thread forces a collection every few milliseconds for five seconds, which in parallel with other
/// tests can finalize TorchSharp temporaries those tests are still using inside libtorch (the test host once died with a
/// segfault in libtorch_cpu.so on a thread-pool thread while this test ran beside the others).
/// </summary>
[Collection("gc-storm")]
public class ScalarLifetimeTests
{
    [Fact]
    public void Literal_scalars_survive_collections_started_by_other_threads()
    {
        using var t = torch.ones(64);
        bool stop = false;
        var churn = new Thread(() =>
        {
            var keep = new object[1024];
            for (int i = 0; !Volatile.Read(ref stop); i++)
            {
                keep[i & 1023] = new byte[4096];
                if ((i & 0xFFF) == 0) GC.Collect(0);
            }
        });
        churn.Start();
        long iterations = 0;
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                try
                {
                    t.mul_(1.0000001).add_(t, alpha: -1e-7).clamp_(0.5, 2.0);
                    iterations++;
                }
                catch (System.Runtime.InteropServices.ExternalException e) { errors.Add(e.Message.Split('\n')[0]); }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            churn.Join();
        }
        Assert.True(iterations > 10_000, $"only {iterations} iterations");
        Assert.True(errors.Count == 0, $"{errors.Count} of {iterations + errors.Count} ops failed: {errors.FirstOrDefault()}");
        Assert.InRange(t[0].item<float>(), 0.99f, 1.01f);
    }
}

[CollectionDefinition("gc-storm", DisableParallelization = true)]
public sealed class GcStormCollection;
