using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Platform;

/// <summary>
/// Long-lived scalars for hot paths. TorchSharp turns a literal such as the implicit alpha of <c>x + y</c> into a
/// temporary <see cref="Scalar"/> and passes only its native handle on; a garbage collection on another thread can
/// finalize that temporary mid-call. tools/fix-libtorchsharp.sh makes that harmless everywhere (the native release is
/// deferred); these also save the allocation. Immutable, never disposed.
/// </summary>
internal static class Scalars
{
    public static readonly Scalar One = 1.0;
    public static readonly Scalar Three = 3.0;
    public static readonly Scalar Six = 6.0;
    public static readonly Scalar Byte255 = 255.0;

    /// <summary>a + b with a cached alpha (residual connections).</summary>
    public static Tensor Add(Tensor a, Tensor b) => a.add(b, One);
}
