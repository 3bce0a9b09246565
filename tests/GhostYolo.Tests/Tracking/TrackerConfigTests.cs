using GhostYolo.Tests.Data;
using GhostYolo.Tracking;

namespace GhostYolo.Tests.Tracking;

public class TrackerConfigTests
{
    private static string Cfg(string name) => Path.Combine(AppContext.BaseDirectory, "cfg", "trackers", name);

    [Fact]
    public void The_shipped_yamls_read_as_the_built_in_defaults()
    {
        Assert.Equal(TrackerOptions.ByteTrack, TrackerConfig.Load(Cfg("bytetrack.yaml")));
        Assert.Equal(TrackerOptions.BotSort, TrackerConfig.Load(Cfg("botsort.yaml")));
    }

    [Fact]
    public void An_unknown_key_names_the_file_line_and_the_nearest_key()
    {
        using var dir = new TempDir();
        var path = dir.Text("t.yaml", "tracker_type: bytetrack\ntrack_hihg_thresh: 0.4\n");
        var e = Assert.Throws<InvalidDataException>(() => TrackerConfig.Load(path));
        Assert.Contains("t.yaml:2", e.Message);
        Assert.Contains("did you mean 'track_high_thresh'", e.Message);
    }

    [Fact]
    public void Values_override_defaults_and_bad_values_are_named()
    {
        using var dir = new TempDir();
        var o = TrackerConfig.Load(dir.Text("a.yaml", "tracker_type: botsort\ntrack_buffer: 60\nfuse_score: False\n"));
        Assert.Equal(TrackerType.BotSort, o.TrackerType);
        Assert.Equal(60, o.TrackBuffer);
        Assert.False(o.FuseScore);
        var e = Assert.Throws<InvalidDataException>(() => TrackerConfig.Load(dir.Text("b.yaml", "match_thresh: high\n")));
        Assert.Contains("b.yaml:1: match_thresh: 'high' is not a number", e.Message);
    }
}
