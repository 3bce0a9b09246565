using System.Text.Json;
using GhostYolo.Engine;
using GhostYolo.Tracking;

namespace GhostYolo.Tests.Tracking;

/// <summary>ByteTrack and BoT-SORT give what ultralytics 8.2.103's own trackers give on the same detections.</summary>
public class ByteTrackerTests
{
    private static JsonElement Fixture() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "Tracking", "ultralytics-trackers.json"))).RootElement;

    private static List<Detection> Detections(JsonElement frame) => frame.EnumerateArray().Select(r =>
    {
        var v = r.EnumerateArray().Select(x => x.GetSingle()).ToArray();
        return new Detection(v[0], v[1], v[2], v[3], v[4], (int)v[5]);
    }).ToList();

    /// <remarks>The fixture: 80 frames of four noisy objects (two crossing, one missed for 6 frames, one whose score dips to
    /// 0.3 for 8 frames) and one-frame false positives, run through ultralytics' BYTETracker and BOTSORT (no image, so no
    /// camera-motion compensation) by <c>tools/peer-fixtures/make_tracker_fixtures.py</c>.</remarks>
    [Theory]
    [InlineData("bytetrack")]
    [InlineData("botsort")]
    public void Tracks_ids_boxes_and_scores_equal_ultralytics_frame_by_frame(string kind)
    {
        var fixture = Fixture();
        var options = (kind == "bytetrack" ? TrackerOptions.ByteTrack : TrackerOptions.BotSort) with { GmcMethod = "none" };
        var tracker = Trackers.Create(options);
        var frames = fixture.GetProperty("detections").EnumerateArray().ToList();
        var expected = fixture.GetProperty(kind).EnumerateArray().ToList();
        int compared = 0;
        for (int f = 0; f < frames.Count; f++)
        {
            var dets = Detections(frames[f]);
            if (dets.Count == 0) continue;   // ultralytics does not update on an empty frame
            var ours = tracker.Update(dets);
            var theirs = expected[f].EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToList();
            Assert.True(theirs.Count == ours.Count, $"frame {f}: ultralytics has {theirs.Count} tracks, GhostYolo {ours.Count}");
            for (int i = 0; i < ours.Count; i++)
            {
                var (o, t) = (ours[i], theirs[i]);
                Assert.True((int)t[4] == o.TrackId, $"frame {f}, track {i}: id {o.TrackId}, ultralytics {(int)t[4]}");
                Assert.True(Math.Abs(o.X1 - t[0]) < 1e-2 && Math.Abs(o.Y1 - t[1]) < 1e-2 && Math.Abs(o.X2 - t[2]) < 1e-2 && Math.Abs(o.Y2 - t[3]) < 1e-2,
                    $"frame {f}, id {o.TrackId}: box ({o.X1}, {o.Y1}, {o.X2}, {o.Y2}), ultralytics ({t[0]}, {t[1]}, {t[2]}, {t[3]})");
                Assert.Equal((float)t[5], o.Score);
                Assert.Equal((int)t[6], o.Class);
                compared++;
            }
        }
        Assert.True(compared > 250, $"only {compared} tracked boxes compared");
    }

    [Fact]
    public void Reset_restarts_ids_at_one()
    {
        var tracker = Trackers.Create(TrackerOptions.ByteTrack);
        var d = new List<Detection> { new(10, 10, 40, 40, 0.9f, 0) };
        Assert.Equal(1, tracker.Update(d)[0].TrackId);
        tracker.Update(d);
        tracker.Reset();
        Assert.Equal(1, tracker.Update(d)[0].TrackId);
    }

    [Fact]
    public void The_iou_floor_breaks_identity_over_a_gap_where_bytetrack_keeps_it()
    {
        var iou = Trackers.Create(TrackerOptions.Iou);
        var bytetrack = Trackers.Create(TrackerOptions.ByteTrack);
        int? firstIou = null, firstByte = null, lastIou = null, lastByte = null;
        for (int f = 0; f < 20; f++)
        {
            var dets = f is >= 8 and < 11 ? new List<Detection>() : [new Detection(10 + 2 * f, 10, 40 + 2 * f, 40, 0.9f, 0)];
            if (dets.Count == 0) continue;
            var a = iou.Update(dets);
            var b = bytetrack.Update(dets);
            firstIou ??= a[0].TrackId; firstByte ??= b[0].TrackId;
            lastIou = a[0].TrackId; lastByte = b[0].TrackId;
        }
        Assert.Equal(firstByte, lastByte);
        Assert.Equal(firstIou, lastIou);   // no frame is skipped by the floor: an empty frame does not update either
    }
}
