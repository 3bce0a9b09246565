#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
// Runs a tracker on the ground truth's own boxes (a perfect detector, score 0.9) and scores it: what the tracker alone
// can do on a sequence, apart from the detector. Boxes less visible than MIN_VISIBILITY are dropped from the input (a
// detector misses them), never from the ground truth.
//   dotnet run tools/mot-eval/oracle.cs -- SEQ/gt/gt.txt [bytetrack|botsort|iou] [MIN_VISIBILITY]
using System.Globalization;
using GhostYolo.Engine;
using GhostYolo.Tracking;
using GhostYolo.Tracking.Metrics;

var gtPath = args[0];
var tracker = Trackers.Create(TrackerConfig.Resolve(args.Length > 1 ? args[1] : "bytetrack") with { GmcMethod = "none" });
double minVisibility = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0;
var rows = File.ReadLines(gtPath).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
var output = new List<MotRow>();
foreach (var frame in rows.GroupBy(r => (int)r[0]).OrderBy(g => g.Key))
{
    var dets = frame.Where(r => r.Length < 9 || r[8] >= minVisibility)
        .Select(r => new Detection((float)r[2], (float)r[3], (float)(r[2] + r[4]), (float)(r[3] + r[5]), 0.9f, 0)).ToList();
    if (dets.Count == 0) continue;
    foreach (var t in tracker.Update(dets))
        output.Add(new MotRow(frame.Key, t.TrackId!.Value, t.X1, t.Y1, t.X2 - t.X1, t.Y2 - t.Y1, t.Score));
}
var m = MotEvaluator.Evaluate(MotText.Read(gtPath), output);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"oracle detections (visibility ≥ {minVisibility}): HOTA {m.HOTA:F3} MOTA {m.MOTA:F3} IDF1 {m.IDF1:F3} IDSW {m.IDSW} Frag {m.Frag} P {m.Precision:F3} R {m.Recall:F3}"));
return 0;
