using System.Globalization;
using GhostYolo.Tracking.Metrics;

namespace GhostYolo.Cli.Commands;

/// <summary><c>track --eval</c>: prints the MOT metrics the run scored against a MOTChallenge ground truth.</summary>
internal static class TrackEvaluation
{
    public static void Print(string groundTruth, MotMetrics m, string jsonPath)
    {
        Console.WriteLine($"MOT metrics against {groundTruth} (class-agnostic; written to {jsonPath}):");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  HOTA {m.HOTA:F3}  MOTA {m.MOTA:F3}  IDF1 {m.IDF1:F3}  IDSW {m.IDSW}  Frag {m.Frag}  P {m.Precision:F3}  R {m.Recall:F3}  DetA {m.DetA:F3}  AssA {m.AssA:F3}"));
    }
}
