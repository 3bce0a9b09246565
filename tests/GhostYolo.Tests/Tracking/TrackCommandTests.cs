using System.CommandLine;
using System.Text.Json;
using GhostYolo.Cli.Commands;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Engine;

namespace GhostYolo.Tests.Tracking;

/// <summary><c>ghostyolo track</c> end to end on the predict fixture's video (random weights, so thresholds are set to 0).</summary>
public class TrackCommandTests(PredictFixture fx) : IClassFixture<PredictFixture>
{
    private static int Track(params string[] args)
    {
        var root = new RootCommand { TrackCommand.Create() };
        return root.Parse(["track", "--model", "yolov8n.yaml", "--nc", "4", "--imgsz", "160", "--conf", "0", "--max-det", "4", .. args]).Invoke();
    }

    [Fact]
    public void Writes_the_video_mot_rows_track_summary_and_metrics_and_scores_itself_perfectly()
    {
        using var d = new TempDir();
        // Random weights score ~1e-4: let every box take part, so tracks exist.
        var cfg = d.Text("low.yaml", "tracker_type: bytetrack\ntrack_high_thresh: 0.0\ntrack_low_thresh: 0.0\nnew_track_thresh: 0.0\n");
        Assert.Equal(0, Track("--source", fx.Video, "--project", d.Path, "--name", "t", "--tracker-cfg", cfg, "--trails", "5", "--count-line", "0,48,128,48"));
        var run = Path.Combine(d.Path, "t");
        PredictorTests.AssertVideo(Path.Combine(run, "video.mp4"), PredictFixture.VideoFrames, 128, 96, PredictFixture.VideoFps);
        var mot = File.ReadAllLines(Path.Combine(run, "mot.txt"));
        Assert.NotEmpty(mot);
        Assert.All(mot, row =>
        {
            var v = row.Split(',');
            Assert.Equal(10, v.Length);
            Assert.InRange(int.Parse(v[0]), 1, PredictFixture.VideoFrames);
            Assert.Equal(["-1", "-1", "-1"], v[7..]);
        });
        var ids = mot.Select(r => int.Parse(r.Split(',')[1])).Distinct().Count();
        Assert.Equal(ids + 1, File.ReadAllLines(Path.Combine(run, "tracks.csv")).Length);

        // The run's own output as ground truth: a tracker that reproduces it is perfect.
        var gt = d.Text("seq/gt/gt.txt", string.Join('\n', mot) + "\n");
        Assert.Equal(0, Track("--source", fx.Video, "--project", d.Path, "--name", "t2", "--tracker-cfg", cfg, "--eval", gt));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(d.Path, "t2", "metrics.json")));
        Assert.Equal(1.0, metrics.RootElement.GetProperty("MOTA").GetDouble(), 6);
        Assert.Equal(1.0, metrics.RootElement.GetProperty("IDF1").GetDouble(), 6);
        Assert.Equal(1.0, metrics.RootElement.GetProperty("HOTA").GetDouble(), 6);
    }

    [Fact]
    public void Bad_tracker_settings_exit_with_two()
    {
        using var d = new TempDir();
        Assert.Equal(2, Track("--source", fx.Video, "--project", d.Path, "--tracker", "sort"));
        Assert.Equal(2, Track("--source", fx.Video, "--project", d.Path, "--count-line", "1,2,3"));
        Assert.Equal(2, Track("--source", fx.Video, "--project", d.Path, "--tracker-cfg", d.Text("x.yaml", "track_bufer: 10\n")));
        Assert.Equal(2, Track("--source", fx.Video, "--project", d.Path, "--eval", d.File("missing/gt.txt")));
    }
}
