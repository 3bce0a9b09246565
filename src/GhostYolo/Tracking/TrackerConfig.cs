using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace GhostYolo.Tracking;

/// <summary>
/// Reads a tracker YAML in ultralytics' form (<c>cfg/trackers/bytetrack.yaml</c>, <c>botsort.yaml</c>: <c>tracker_type</c>,
/// <c>track_high_thresh</c>, …) into <see cref="TrackerOptions"/>. A key it does not know is an error that names the
/// file and line and suggests the nearest known key; keys it leaves out keep their defaults.
/// </summary>
internal static class TrackerConfig
{
    private static readonly string[] Keys =
    [
        "tracker_type", "track_high_thresh", "track_low_thresh", "new_track_thresh", "track_buffer", "match_thresh",
        "fuse_score", "gmc_method", "proximity_thresh", "appearance_thresh", "with_reid",
    ];

    /// <summary><c>bytetrack</c>, <c>botsort</c> or <c>iou</c> (the built-in defaults), or a YAML file.</summary>
    public static TrackerOptions Resolve(string nameOrPath) => nameOrPath.Trim().ToLowerInvariant() switch
    {
        "bytetrack" or "bytetrack.yaml" when !File.Exists(nameOrPath) => TrackerOptions.ByteTrack,
        "botsort" or "botsort.yaml" when !File.Exists(nameOrPath) => TrackerOptions.BotSort,
        "iou" => TrackerOptions.Iou,
        _ when File.Exists(nameOrPath) => Load(nameOrPath),
        _ => throw new ArgumentException($"tracker '{nameOrPath}' is neither bytetrack, botsort, iou nor a tracker YAML file"),
    };

    public static TrackerOptions Load(string path)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(File.ReadAllText(path))); }
        catch (YamlDotNet.Core.YamlException e) { throw new InvalidDataException($"{path}: invalid YAML at line {e.Start.Line}: {e.Message}", e); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{path}: expected a mapping of tracker settings (tracker_type: bytetrack, …)");
        var o = new TrackerOptions();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var line = keyNode.Start.Line;
            var text = (valueNode as YamlScalarNode)?.Value ?? throw new InvalidDataException($"{path}:{line}: '{key}' must be a single value");
            InvalidDataException Bad(string what) => new($"{path}:{line}: {key}: '{text}' is not {what}");
            double Number() => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad("a number");
            bool Flag() => text.ToLowerInvariant() switch { "true" => true, "false" => false, _ => throw Bad("True or False") };
            o = key switch
            {
                "tracker_type" => o with
                {
                    TrackerType = text.ToLowerInvariant() switch
                    {
                        "bytetrack" => TrackerType.ByteTrack, "botsort" => TrackerType.BotSort, "iou" => TrackerType.Iou,
                        _ => throw Bad("bytetrack, botsort or iou"),
                    },
                },
                "track_high_thresh" => o with { TrackHighThresh = Number() },
                "track_low_thresh" => o with { TrackLowThresh = Number() },
                "new_track_thresh" => o with { NewTrackThresh = Number() },
                "track_buffer" => o with { TrackBuffer = int.TryParse(text, CultureInfo.InvariantCulture, out var b) ? b : throw Bad("an integer") },
                "match_thresh" => o with { MatchThresh = Number() },
                "fuse_score" => o with { FuseScore = Flag() },
                "gmc_method" => o with { GmcMethod = text },
                "proximity_thresh" => o with { ProximityThresh = Number() },
                "appearance_thresh" => o with { AppearanceThresh = Number() },
                "with_reid" => o with { WithReid = Flag() },
                _ => throw new InvalidDataException($"{path}:{line}: unknown tracker setting '{key}'; did you mean '{Engine.NearestName.Find(key, Keys)}'? (known: {string.Join(", ", Keys)})"),
            };
        }
        return o;
    }
}
