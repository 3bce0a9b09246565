using GhostYolo.Engine;
using GhostYolo.Engine.Sinks;
using GhostYolo.Tasks;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Engine;
using GhostYolo.Tracking;

namespace GhostYolo.Tests.Tasks;

/// <summary>Detection and tracking as a task: the run folder holds what the predictor and writer produce when called
/// directly (frame count, label files), events arrive in order, tracking writes its files and scores, cancellation stops.</summary>
public class PredictTaskTests(TaskFixture fx) : IClassFixture<TaskFixture>
{
    private static PredictTaskOptions Options(string source, TempDir d, string name = "predict") => new()
    {
        Model = TaskFixture.Model, Source = source, ImgszFromModel = true,
        Predict = new PredictOptions { SaveTxt = true, SaveConf = true, Project = d.Path, Name = name },
    };

    private static Dictionary<string, string> Labels(string dir) =>
        Directory.GetFiles(Path.Combine(dir, "labels")).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllText);

    [Fact]
    public void A_video_gives_the_frames_and_label_files_the_predictor_and_writer_give_directly()
    {
        using var d = new TempDir();
        var events = new List<PredictEvent>();
        var counted = new List<int>();
        var result = new PredictTask(Options(fx.Video, d)).Run(new SyncProgressRecorder<PredictEvent>(events));

        using (var p = Predictor.Load(TaskFixture.Model, new PredictOptions { SaveTxt = true, SaveConf = true }, imgszFromModel: true))
        using (var w = new PredictionWriter(d.File("direct"), p.Names, p.Options))
        {
            foreach (var r in p.Predict(fx.Video)) { counted.Add(r.Detections.Count); w.Post(r); }
            w.Complete();
        }

        Assert.False(result.Interrupted);
        Assert.Equal(TaskFixture.VideoFrames, result.Frames);
        Assert.Equal([(Path.Combine(result.SaveDir, "video.mp4"), TaskFixture.VideoFrames)], result.Videos);
        PredictorTests.AssertVideo(Path.Combine(result.SaveDir, "video.mp4"), TaskFixture.VideoFrames, 96, 72, 10);
        Assert.Equal(TaskFixture.VideoFrames, result.LabelsWritten);
        Assert.Equal(counted.Sum(), result.Detections);
        Assert.True(result.Detections > 0, "the trained sample model finds shapes in the video");
        Assert.Equal(Labels(d.File("direct")), Labels(result.SaveDir));
        Assert.Null(result.Track);

        var started = Assert.IsType<PredictStarted>(events[0]);
        Assert.Equal(result.SaveDir, started.SaveDir);
        Assert.True(started.SingleVideo);
        Assert.Equal(96, started.Imgsz);
        Assert.Equal(Enumerable.Range(0, TaskFixture.VideoFrames), events.OfType<FramePredicted>().Select(f => f.Frame.FrameIndex));
        Assert.Equal(counted, events.OfType<FramePredicted>().Select(f => f.Frame.Detections.Count));
    }

    [Fact]
    public void A_folder_writes_one_annotated_image_and_label_file_per_image()
    {
        using var d = new TempDir();
        var result = new PredictTask(Options(fx.ValDir, d)).Run();
        Assert.Equal(TaskFixture.ValImages, result.Frames);
        Assert.Equal(TaskFixture.ValImages, result.ImagesWritten);
        Assert.Equal(Directory.GetFiles(fx.ValDir).Select(f => Path.ChangeExtension(Path.GetFileName(f), ".txt")).Order(),
            Labels(result.SaveDir).Keys.Order());
    }

    [Fact]
    public void Tracking_writes_mot_rows_tracks_and_the_metrics_against_the_ground_truth()
    {
        using var d = new TempDir();
        var seq = fx.Shapes.Track!;
        var result = new PredictTask(Options(seq.VideoPath, d, "track") with
        {
            Predict = new PredictOptions { Conf = 0.1, Save = false, Project = d.Path, Name = "track" },
            Track = new TrackOptions { Tracker = TrackerOptions.ByteTrack }, GroundTruth = seq.GtPath,
        }).Run();

        var track = Assert.IsType<TrackResult>(result.Track);
        Assert.Equal(TaskFixture.TrackFrames, result.Frames);
        Assert.True(track.Summaries.Count > 0);
        Assert.Equal(track.Summaries.Count + 1, File.ReadAllLines(track.TracksCsv).Length);
        var motIds = File.ReadAllLines(track.MotPath).Select(l => int.Parse(l.Split(',')[1])).Distinct().Order();
        Assert.Equal(track.Summaries.Select(s => s.TrackId).Order(), motIds);
        Assert.True(File.Exists(track.MetricsJson));
        Assert.True(track.Mota > 0.2, $"MOTA {track.Mota}");
        Assert.InRange(track.Idf1!.Value, 0.01, 1);
    }

    [Fact]
    public void Cancelling_stops_before_the_next_frame_and_keeps_what_was_written()
    {
        using var d = new TempDir();
        using var cts = new CancellationTokenSource();
        var result = new PredictTask(Options(fx.Video, d)).Run(new CancelAfter(cts, 5), cts.Token);
        Assert.True(result.Interrupted);
        Assert.Equal(5, result.Frames);
        Assert.Equal(5, result.LabelsWritten);
        PredictorTests.AssertVideo(Path.Combine(result.SaveDir, "video.mp4"), 5, 96, 72, 10);
    }

    [Fact]
    public void A_missing_source_fails_before_a_run_folder_is_made()
    {
        using var d = new TempDir();
        Assert.Throws<FileNotFoundException>(() => new PredictTask(Options(d.File("nothing.jpg"), d)).Run());
        Assert.Empty(Directory.GetDirectories(d.Path));
    }

    private sealed class CancelAfter(CancellationTokenSource cts, int frames) : IProgress<PredictEvent>
    {
        private int seen;
        public void Report(PredictEvent value) { if (value is FramePredicted && ++seen == frames) cts.Cancel(); }
    }
}
