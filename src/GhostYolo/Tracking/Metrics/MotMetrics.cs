using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// Multi-object-tracking metrics of one sequence, named as TrackEval and the MOTChallenge tables name them and
/// serialised under those names to <c>metrics.json</c>: CLEAR MOT (MOTA, MOTP, IDSW, Frag, MT/PT/ML, TP/FP/FN,
/// precision, recall), the ID measures (IDF1, IDP, IDR and their counts) and HOTA with DetA, AssA and LocA averaged
/// over α = 0.05…0.95 (<see cref="HotaPerAlpha"/> keeps the curves). Ratios are fractions (0.754, not 75.4).
/// </summary>
internal sealed record MotMetrics(
    double MOTA, double MOTP, double IDF1, double IDP, double IDR,
    double HOTA, double DetA, double AssA, double LocA,
    int IDSW, int Frag, int FP, int FN, int TP, int GT, int MT, int PT, int ML,
    double Precision, double Recall,
    int IDTP, int IDFN, int IDFP,
    int Frames, int GtIds, int TrackerIds, int TrackerDetections,
    HotaResult HotaPerAlpha)
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // No metric here is NaN (every denominator is floored), but a NaN must never make writing metrics.json throw.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Combines the three metric families of one sequence.</summary>
    public static MotMetrics From(MotEvalSequence seq, ClearResult clear, IdentityResult id, HotaResult hota) => new(
        clear.MOTA, clear.MOTP, id.IDF1, id.IDP, id.IDR,
        hota.HotaMean, hota.DetAMean, hota.AssAMean, hota.LocAMean,
        clear.IDSW, clear.Frag, clear.FP, clear.FN, clear.TP, clear.GT, clear.MT, clear.PT, clear.ML,
        clear.Precision, clear.Recall,
        id.IDTP, id.IDFN, id.IDFP,
        seq.Frames.Count, seq.GtIdCount, seq.TrackerIdCount, seq.TrackerDetections,
        hota);

    /// <summary>Indented JSON, property names as above (<c>"MOTA"</c>, <c>"IDF1"</c>, <c>"HOTA"</c>, …).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static MotMetrics FromJson(string json)
        => JsonSerializer.Deserialize<MotMetrics>(json, Json) ?? throw new JsonException("metrics JSON is null.");
}
