using System.Globalization;
using GhostYolo.Tracking.Metrics;

namespace GhostYolo.Cli.Commands;

/// <summary><c>track --eval</c>: scores the run's <c>mot.txt</c> against a MOTChallenge ground truth and prints the table.</summary>
internal static class TrackEvaluation
{
    public static MotMetrics Print(string groundTruth, string motFile, string jsonPath)
    {
        var m = MotEvaluator.EvaluateFiles(groundTruth, motFile);
        File.WriteAllText(jsonPath, m.ToJson());
        Console.WriteLine($"MOT metrics against {groundTruth} (class-agnostic; written to {jsonPath}):");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  HOTA {m.HOTA:F3}  MOTA {m.MOTA:F3}  IDF1 {m.IDF1:F3}  IDSW {m.IDSW}  Frag {m.Frag}  P {m.Precision:F3}  R {m.Recall:F3}  DetA {m.DetA:F3}  AssA {m.AssA:F3}"));
        return m;
    }
}
