namespace GhostYolo.Data;

/// <summary>Derives independent RNG seeds from (seed, epoch, index) so results do not depend on thread scheduling.</summary>
internal static class SampleSeeds
{
    /// <summary>SplitMix64 finaliser over the three inputs, folded to a non-negative int.</summary>
    public static int Derive(long seed, int epoch, long index)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL;
        z = Mix(z ^ (ulong)(uint)epoch);
        z = Mix(z ^ (ulong)index * 0xBF58476D1CE4E5B9UL);
        return (int)(z & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
