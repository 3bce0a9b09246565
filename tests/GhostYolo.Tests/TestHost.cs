using System.Runtime.CompilerServices;
using GhostYolo.Platform;

namespace GhostYolo.Tests;

/// <summary>The test host configures GhostYolo as the ghostyolo command does, before any test allocates a tensor.</summary>
internal static class TestHost
{
    [ModuleInitializer]
    internal static void Configure() => GhostYoloRuntime.Configure();
}
