#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
// Prints GhostYolo's MOT metrics for a sequence folder next to TrackEval's detailed CSV, at full precision.
//   dotnet run compare.cs -- SEQ_DIR TRACKEVAL_DETAILED_CSV
// SEQ_DIR holds gt.txt, tracker.txt and seqinfo.ini (make_sequence.py); the CSV is the
// pedestrian_detailed.csv that run_trackeval.sh reports.
using System.Globalization;
using GhostYolo.Tracking.Metrics;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run compare.cs -- SEQ_DIR TRACKEVAL_DETAILED_CSV");
    return 2;
}
var seq = args[0];
var m = MotEvaluator.EvaluateFiles(Path.Combine(seq, "gt.txt"), Path.Combine(seq, "tracker.txt"), Path.Combine(seq, "seqinfo.ini"));

var lines = File.ReadAllLines(args[1]);
var header = lines[0].Split(',');
var row = lines.First(l => l.StartsWith("COMBINED", StringComparison.Ordinal)).Split(',');
double Ref(string key) => double.Parse(row[Array.IndexOf(header, key)], CultureInfo.InvariantCulture);

var h = m.HotaPerAlpha;
(string Name, double Ours, string Key)[] pairs =
[
    ("HOTA", m.HOTA, "HOTA___AUC"), ("DetA", m.DetA, "DetA___AUC"), ("AssA", m.AssA, "AssA___AUC"),
    ("LocA", m.LocA, "LocA___AUC"), ("DetRe", h.DetRe.Average(), "DetRe___AUC"), ("DetPr", h.DetPr.Average(), "DetPr___AUC"),
    ("AssRe", h.AssRe.Average(), "AssRe___AUC"), ("AssPr", h.AssPr.Average(), "AssPr___AUC"),
    ("HOTA(0)", h.HOTA[0], "HOTA(0)"), ("LocA(0)", h.LocA[0], "LocA(0)"),
    ("MOTA", m.MOTA, "MOTA"), ("MOTP", m.MOTP, "MOTP"), ("Recall", m.Recall, "CLR_Re"), ("Precision", m.Precision, "CLR_Pr"),
    ("TP", m.TP, "CLR_TP"), ("FN", m.FN, "CLR_FN"), ("FP", m.FP, "CLR_FP"), ("IDSW", m.IDSW, "IDSW"),
    ("MT", m.MT, "MT"), ("PT", m.PT, "PT"), ("ML", m.ML, "ML"), ("Frag", m.Frag, "Frag"),
    ("IDF1", m.IDF1, "IDF1"), ("IDR", m.IDR, "IDR"), ("IDP", m.IDP, "IDP"),
    ("IDTP", m.IDTP, "IDTP"), ("IDFN", m.IDFN, "IDFN"), ("IDFP", m.IDFP, "IDFP"),
];
for (var k = 0; k < Hota.Alphas.Length; k++)
{
    var a = (int)Math.Round(Hota.Alphas[k] * 100);
    pairs = [.. pairs, ($"HOTA@{a}", h.HOTA[k], $"HOTA___{a}"), ($"AssA@{a}", h.AssA[k], $"AssA___{a}")];
}

var worst = 0.0;
Console.WriteLine($"{"metric",-10} {"GhostYolo",20} {"TrackEval",20} {"|diff|",10}");
foreach (var (name, ours, key) in pairs)
{
    var theirs = Ref(key);
    var diff = Math.Abs(ours - theirs);
    worst = Math.Max(worst, diff);
    Console.WriteLine($"{name,-10} {ours,20:R} {theirs,20:R} {diff,10:0.0e+0}");
}
Console.WriteLine($"largest difference: {worst:0.0e+0}");
return 0;
