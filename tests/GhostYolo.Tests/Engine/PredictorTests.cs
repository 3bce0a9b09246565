using GhostYolo.Engine;
using GhostYolo.Engine.Sinks;
using GhostYolo.Engine.Sources;
using GhostYolo.Tests.Data;
using OpenCvSharp;

namespace GhostYolo.Tests.Engine;

public class PredictorTests(PredictFixture fx) : IClassFixture<PredictFixture>
{
    [Theory]
    // LetterBox(160, auto=True, stride 32): 160×120 → r 1, dh 40 mod 32 = 8 → 128×160;
    // 320×180 → r 0.5 → 160×90, dh 70 mod 32 = 6 → 96×160; 100×100 → r 1.6 → 160×160.
    [InlineData(120, 160, 128, 160)]
    [InlineData(180, 320, 96, 160)]
    [InlineData(100, 100, 160, 160)]
    public void InputShape_IsTheMinimalStrideMultipleLetterbox(int h, int w, int inH, int inW)
    {
        var p = fx.Predictor();
        using var img = new Mat(h, w, MatType.CV_8UC3, new Scalar(30, 60, 90));
        using var r = p.PredictImage(img, "a.jpg");
        Assert.Equal((inH, inW), r.InputShape);
        Assert.Equal((h, w), r.OriginalShape);
        Assert.StartsWith($"image 1/1 a.jpg: {inH}x{inW} ", r.LogLine(p.Names));
    }

    [Fact]
    public void Boxes_AreInOriginalPixels_SortedByScore_AndCappedAtMaxDet()
    {
        // Random weights score ~1e-4, so conf 0 lets every anchor through and max-det caps the count.
        var p = fx.Predictor(new PredictOptions { Imgsz = 160, Conf = 0, MaxDet = 7 });
        using var img = new Mat(90, 200, MatType.CV_8UC3, new Scalar(10, 200, 30));
        using var r = p.PredictImage(img);
        Assert.Equal(7, r.Detections.Count);
        foreach (var d in r.Detections)
        {
            Assert.InRange(d.X1, 0, 200); Assert.InRange(d.X2, d.X1, 200);
            Assert.InRange(d.Y1, 0, 90); Assert.InRange(d.Y2, d.Y1, 90);
            Assert.InRange(d.Class, 0, 3);
        }
        Assert.Equal(r.Detections.OrderByDescending(d => d.Score).Select(d => d.Score), r.Detections.Select(d => d.Score));
    }

    [Fact]
    public async Task PredictAsync_YieldsWhatPredictYields_InOrder_AndStopsWhenCancelled()
    {
        // Random weights at conf 0 with a cap: every frame has detections to compare.
        var p = fx.Predictor(new PredictOptions { Imgsz = 160, Conf = 0, MaxDet = 5 });
        var expected = p.Predict(fx.Video).Select(r => (r.FrameIndex, Boxes: r.Detections.ToArray())).ToList();
        var got = new List<(int FrameIndex, Detection[] Boxes)>();
        await foreach (var r in p.PredictAsync(fx.Video)) got.Add((r.FrameIndex, r.Detections.ToArray()));
        Assert.Equal(PredictFixture.VideoFrames, got.Count);
        Assert.Equal(expected.Select(e => e.FrameIndex), got.Select(g => g.FrameIndex));
        foreach (var (e, g) in expected.Zip(got)) Assert.Equal(e.Boxes, g.Boxes);

        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var r in p.PredictAsync(fx.Video, cts.Token))
                if (++seen == 3) cts.Cancel();
        });
        Assert.Equal(3, seen);
    }

    [Fact]
    public void Video_YieldsEveryFrameInOrder_WithSizesAndTimings()
    {
        var p = fx.Predictor();
        var seen = new List<(int Frame, int? Count, (int, int) Orig, (int, int) Input)>();
        foreach (var r in p.Predict(fx.Video))
        {
            seen.Add((r.FrameIndex, r.FrameCount, r.OriginalShape, r.InputShape));
            Assert.Equal(SourceKind.Video, r.Kind);
            Assert.True(r.Timings.InferenceMs > 0);
            Assert.Equal(3, r.Image.Channels());
        }
        Assert.Equal(Enumerable.Range(0, PredictFixture.VideoFrames), seen.Select(s => s.Frame));
        // 128×96 at imgsz 160: r = 1.25 → 160×120, dh 40 mod 32 = 8 → 128×160 input.
        Assert.All(seen, s => Assert.Equal((PredictFixture.VideoFrames, (96, 128), (128, 160)), (s.Count!.Value, s.Orig, s.Input)));
    }

    [Fact]
    public void AutoBatch_PairsVideoFramesOnlyWithSeveralThreads_AnExplicitBatchWins()
    {
        using var auto = fx.Predictor(new PredictOptions { Imgsz = 160 });
        Assert.Equal(1, auto.BatchFor(SourceKind.Image));
        Assert.Equal(1, auto.BatchFor(SourceKind.Stream));
        Assert.Equal(TorchSharp.torch.get_num_threads() >= 2 ? 2 : 1, auto.BatchFor(SourceKind.Video));
        using var three = fx.Predictor(new PredictOptions { Imgsz = 160, Batch = 3 });
        Assert.All(Enum.GetValues<SourceKind>(), k => Assert.Equal(3, three.BatchFor(k)));
    }

    [Fact]
    public void Batching_GivesTheSameDetectionsAsOneFrameAtATime()
    {
        var o = new PredictOptions { Imgsz = 160, Conf = 0, MaxDet = 5, Batch = 1 };
        var one = fx.Predictor(o).Predict(fx.Video).Select(r => r.Detections).ToList();
        var batched = fx.Predictor(o with { Batch = 5 }).Predict(fx.Video).Select(r => (r.BatchSize, r.Detections)).ToList();
        Assert.Equal(PredictFixture.VideoFrames, batched.Count);
        Assert.Equal([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2, 2], batched.Select(b => b.BatchSize));
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].Count, batched[i].Detections.Count);
            for (int k = 0; k < one[i].Count; k++)
            {
                Assert.Equal(one[i][k].Class, batched[i].Detections[k].Class);
                Assert.Equal(one[i][k].X1, batched[i].Detections[k].X1, 0.01f);
                Assert.Equal(one[i][k].Score, batched[i].Detections[k].Score, 1e-4f);
            }
        }
    }

    [Fact]
    public void ResultImage_IsReleasedWhenTheEnumerationMovesOn_UnlessTaken()
    {
        var p = fx.Predictor();
        FrameResult? first = null;
        Mat? taken = null;
        foreach (var r in p.Predict(fx.Video))
        {
            if (r.FrameIndex == 0) first = r;
            if (r.FrameIndex == 1) taken = r.TakeImage();
        }
        Assert.Throws<ObjectDisposedException>(() => first!.Image);
        using (taken) Assert.Equal((96, 128), (taken!.Rows, taken.Cols));
    }

    [Fact]
    public void VideoIn_AnnotatedVideoOut_SameFrameCountSizeAndFps()
    {
        using var d = new TempDir();
        var p = fx.Predictor(new PredictOptions { Imgsz = 160, Conf = 0, MaxDet = 3 });
        using (var w = new PredictionWriter(d.Path, p.Names, p.Options))
        {
            foreach (var r in p.Predict(fx.Video)) w.Post(r);
            w.Complete();
            Assert.Equal([(Path.Combine(d.Path, "video.mp4"), PredictFixture.VideoFrames)], w.Videos);
        }
        AssertVideo(Path.Combine(d.Path, "video.mp4"), PredictFixture.VideoFrames, 128, 96, PredictFixture.VideoFps);
    }

    [Fact]
    public void Cancellation_LeavesAPlayableVideoWithTheFramesWrittenSoFar()
    {
        using var d = new TempDir();
        var p = fx.Predictor();
        using var cts = new CancellationTokenSource();
        int posted = 0;
        using (var w = new PredictionWriter(d.Path, p.Names, p.Options))
        {
            Assert.Throws<OperationCanceledException>(() =>
            {
                foreach (var r in p.Predict(fx.Video, cts.Token))
                {
                    w.Post(r);
                    if (++posted == 5) cts.Cancel();
                }
            });
        }
        Assert.Equal(5, posted);
        AssertVideo(Path.Combine(d.Path, "video.mp4"), 5, 128, 96, PredictFixture.VideoFps);
    }

    [Fact]
    public void SaveTxt_WritesOneLabelFilePerFrame()
    {
        using var d = new TempDir();
        var p = fx.Predictor(new PredictOptions { Imgsz = 160, Conf = 0, MaxDet = 2, SaveTxt = true, SaveConf = true, Save = false });
        using (var w = new PredictionWriter(d.Path, p.Names, p.Options))
        {
            foreach (var r in p.Predict(fx.Video)) w.Post(r);
            w.Complete();
            Assert.Equal(PredictFixture.VideoFrames, w.LabelsWritten);
        }
        var files = Directory.GetFiles(Path.Combine(d.Path, "labels")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(1, PredictFixture.VideoFrames).Select(i => $"video_{i}.txt").Order(StringComparer.Ordinal), files);
        var lines = File.ReadAllLines(Path.Combine(d.Path, "labels", "video_1.txt"));
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(6, l.Split(' ').Length));
        Assert.False(File.Exists(Path.Combine(d.Path, "video.mp4")));
    }

    [Fact]
    public void CorruptImageInAFolder_SurfacesFromTheDecodeThreadNamingTheFile()
    {
        using var d = new TempDir();
        d.Image("a.jpg", 40, 60);
        string bad = d.Text("b.jpg", "not a jpeg");
        var p = fx.Predictor();
        var seen = new List<string>();
        var e = Assert.Throws<InvalidDataException>(() => { foreach (var r in p.Predict(d.Path)) seen.Add(Path.GetFileName(r.Path)); });
        Assert.Equal(["a.jpg"], seen);
        Assert.Contains(bad, e.Message);
    }

    [Fact]
    public void BreakingOutEarly_StopsTheDecodeThread_AndAFreshRunStillWorks()
    {
        var p = fx.Predictor();
        Assert.Equal(3, p.Predict(fx.Video).Take(3).Count());
        Assert.Equal(PredictFixture.VideoFrames, p.Predict(fx.Video).Count());
    }

    internal static void AssertVideo(string path, int frames, int w, int h, double fps)
    {
        using var cap = new VideoCapture(path);
        Assert.True(cap.IsOpened(), $"{path} does not open");
        Assert.Equal(w, (int)cap.Get(VideoCaptureProperties.FrameWidth));
        Assert.Equal(h, (int)cap.Get(VideoCaptureProperties.FrameHeight));
        Assert.Equal(fps, cap.Get(VideoCaptureProperties.Fps), 3);
        int n = 0;
        using var m = new Mat();
        while (cap.Read(m) && !m.Empty()) n++;
        Assert.Equal(frames, n);
    }
}
