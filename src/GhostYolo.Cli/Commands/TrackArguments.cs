using System.CommandLine;
using System.Globalization;
using GhostYolo.Tasks;
using GhostYolo.Tracking;
using OpenCvSharp;

namespace GhostYolo.Cli.Commands;

/// <summary>What <c>ghostyolo track</c> asks for beyond detection.</summary>
internal sealed record TrackRequest(TrackOptions Options, string TrackerName, string? EvalPath);

/// <summary>The track command's own options (tracker, trails, counting line, evaluation) and its closing report.</summary>
internal sealed class TrackArguments
{
    /// <summary>ultralytics' <c>model.track</c> default: ByteTrack wants the low-score detections too.</summary>
    public const double DefaultConf = 0.1;

    private readonly Option<string> _tracker = new("--tracker") { Description = "bytetrack, botsort or iou (greedy IoU matching: the floor)", DefaultValueFactory = _ => "bytetrack" };
    private readonly Option<string?> _config = new("--tracker-cfg") { Description = "Tracker YAML in ultralytics' form (cfg/trackers/bytetrack.yaml, botsort.yaml); overrides --tracker" };
    private readonly Option<int> _trails = new("--trails") { Description = "Draw each track's last N centres", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _line = new("--count-line") { Description = "Count IDs crossing the segment x1,y1,x2,y2 (pixels), in each direction" };
    private readonly Option<string?> _eval = new("--eval") { Description = "MOTChallenge ground truth (SEQ/gt/gt.txt): print and write metrics.json (MOTA, IDF1, HOTA, …)" };

    public TrackArguments(Command command)
    {
        foreach (var o in new Option[] { _tracker, _config, _trails, _line, _eval }) command.Options.Add(o);
    }

    public TrackRequest Parse(ParseResult r)
    {
        var config = r.GetValue(_config);
        var name = config ?? r.GetValue(_tracker)!;
        var options = new TrackOptions
        {
            Tracker = TrackerConfig.Resolve(name),
            Trails = r.GetValue(_trails) >= 0 ? r.GetValue(_trails) : throw new ArgumentException("--trails must be ≥ 0"),
            CountLine = r.GetValue(_line) is { } line ? ParseLine(line) : null,
        };
        var eval = r.GetValue(_eval);
        if (eval is not null && !File.Exists(eval)) throw new FileNotFoundException($"--eval: ground truth '{eval}' not found", eval);
        return new TrackRequest(options, Path.GetFileNameWithoutExtension(name), eval);
    }

    /// <summary>"x1,y1,x2,y2" → the segment.</summary>
    public static (Point A, Point B) ParseLine(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            throw new ArgumentException($"--count-line '{text}': expected four integers x1,y1,x2,y2 in pixels, e.g. 0,120,320,120");
        var v = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        if (v[0] == v[2] && v[1] == v[3]) throw new ArgumentException($"--count-line '{text}': the two ends are the same point");
        return (new Point(v[0], v[1]), new Point(v[2], v[3]));
    }

    /// <summary>Prints the per-track summary (<c>tracks.csv</c> has every row), the line counts and (with <c>--eval</c>) the MOT metrics.</summary>
    public static void Report(TrackResult result, TrackRequest request, IReadOnlyList<string> names)
    {
        var summaries = result.Summaries;
        double fps = result.FrameRate;
        string Name(int c) => c >= 0 && c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"{request.TrackerName}: {summaries.Count} tracks; MOTChallenge rows in {result.MotPath}, per-track summary in {result.TracksCsv}");
        foreach (var s in summaries.Take(30))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  id {s.TrackId,4}  {Name(s.Class),-12} frames {s.FirstFrame,5}–{s.LastFrame,-5} seen {s.Frames,5}  dwell {s.DwellSeconds(fps),6:F1}s"));
        if (summaries.Count > 30) Console.WriteLine($"  … and {summaries.Count - 30} more in tracks.csv");
        if (request.Options.CountLine is not null)
        {
            foreach (var c in result.Crossings) Console.WriteLine($"  crossing: frame {c.Frame}, id {c.TrackId}, {(c.In ? "in" : "out")}");
            Console.WriteLine($"Line counts: {result.CountIn} in, {result.CountOut} out");
        }
        if (request.EvalPath is { } gt && result.Metrics is { } m) TrackEvaluation.Print(gt, m, result.MetricsJson!);
    }
}
