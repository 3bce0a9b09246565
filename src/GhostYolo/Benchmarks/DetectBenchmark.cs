using System.Diagnostics;
using GhostYolo.Platform;
using GhostYolo.Engine;
using GhostYolo.Tasks;
using GhostYolo.Tracking;
using static TorchSharp.torch;

namespace GhostYolo.Benchmarks;

/// <summary>
/// One row of the detect benchmark: the full pipeline's frames per second (decode, letterbox, forward, NMS, drawing,
/// mp4 encode) against the model's forward-only frames per second at the same input shape and thread count.
/// </summary>
/// <param name="Model">Model YAML or checkpoint.</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Precision">The precision inference ran in.</param>
/// <param name="Runtime">The engine that ran the network.</param>
/// <param name="InputShape">Network input (H, W) after LetterBox(auto) of the video frames.</param>
/// <param name="Frames">Frames per end-to-end pass (= frames per forward-only pass).</param>
/// <param name="Batch">Frames per forward pass, in the pipeline and in the forward-only measurement alike.</param>
/// <param name="DetectionsPerFrame">Mean boxes kept by NMS per frame in the last end-to-end pass.</param>
/// <param name="ForwardFps">Median over rounds of forward-only frames per second.</param>
/// <param name="EndToEndFps">Median over rounds of end-to-end frames per second.</param>
/// <param name="Stages">Mean per-frame stage milliseconds of the last end-to-end pass.</param>
internal sealed record DetectBenchmarkResult(string Model, int Threads, Nn.Precision Precision, InferenceRuntime Runtime, (int H, int W) InputShape,
    int Frames, double DetectionsPerFrame, double ForwardFps, double EndToEndFps, FrameTimings Stages, int Batch = 1)
{
    /// <summary>True when the weights came from a file: an untrained YAML's class scores (~1e-4) leave NMS and drawing nothing to do.</summary>
    public bool Trained { get; init; }

    /// <summary>End-to-end FPS as a fraction of forward-only FPS (target ≥ 0.9): the median over rounds of each round's
    /// ratio, so a slow spell of the machine that falls on one round moves both of its measurements alike.</summary>
    public double Ratio { get; init; }
}

/// <summary>
/// Measures the <see cref="PredictTask"/> (predictor and writer) end to end on a video against the bare forward
/// pass at the same batch size, alternating the two in each round so load from other processes hits both alike. Give it a
/// trained checkpoint (the demo's <c>best.gyt</c>): only then does NMS, drawing and encoding have boxes to handle. Not a
/// test: it returns numbers for a benchmark command or script.
/// </summary>
internal static class DetectBenchmark
{
    public static DetectBenchmarkResult Run(string model, string video, int threads, int rounds = 5, int imgsz = 640,
        double conf = 0.25, int nc = 4, Nn.Precision precision = Nn.Precision.Fp32, InferenceRuntime runtime = InferenceRuntime.Auto, string? saveDir = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default,
        int batch = 1, Int8Options? int8 = null)
    {
        using var threadScope = GhostYoloRuntime.UseThreads(threads);
        var loaded = ModelLoader.Load(model, CPU, nc);
        using var predictor = new Predictor(loaded, new PredictOptions { Imgsz = imgsz, Conf = conf, Precision = precision, Runtime = runtime, Batch = batch, Int8 = int8 });
        string dir = saveDir ?? Directory.CreateTempSubdirectory("ghostyolo-bench-").FullName;
        try
        {
            // One warm-up pass through the whole pipeline fixes the input shape and warms libtorch's kernels.
            var (frames, shape, _, _, _, _) = EndToEnd(model, predictor, video, dir, cancellationToken);
            using var x = randint(0, 256, [batch, 3, shape.H, shape.W], dtype: ScalarType.Byte);
            var forward = new List<double>();
            var endToEnd = new List<double>();
            var ratios = new List<double>();
            double dets = 0;
            FrameTimings stages = default;
            for (int r = 0; r < rounds; r++)
            {
                bool forwardFirst = r % 2 == 0;
                for (int k = 0; k < 2; k++)
                {
                    if ((k == 0) == forwardFirst) forward.Add(ForwardOnly(predictor.Runner, x, frames, cancellationToken));
                    else
                    {
                        var e = EndToEnd(model, predictor, video, dir, cancellationToken);
                        endToEnd.Add(e.Fps);
                        (dets, stages) = (e.DetsPerFrame, e.Stages);
                    }
                }
                ratios.Add(endToEnd[^1] / forward[^1]);
                progress?.Report($"{model} threads {threads} round {r + 1}/{rounds}: forward {forward[^1]:F1} FPS, end-to-end {endToEnd[^1]:F1} FPS");
            }
            return new DetectBenchmarkResult(model, threads, predictor.ActualPrecision, predictor.Runner.Runtime, shape, frames, dets, Median(forward), Median(endToEnd), stages, batch)
            {
                Trained = loaded.HasWeights, Ratio = Median(ratios),
            };
        }
        finally
        {
            loaded.Model.Dispose();
            if (saveDir is null) try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>Frames per second of <paramref name="n"/> frames' worth of forwards of the (B, 3, H, W) batch <paramref name="images"/>.</summary>
    private static double ForwardOnly(InferenceRunner runner, Tensor images, int n, CancellationToken ct)
    {
        using var mode = inference_mode();
        int passes = (int)Math.Ceiling(n / (double)images.shape[0]);
        n = passes * (int)images.shape[0];
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < passes; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            runner.Run(images);
        }
        return n / sw.Elapsed.TotalSeconds;
    }

    /// <summary>One pass of the <see cref="PredictTask"/> (decode, letterbox, forward, NMS, drawing, encoding) over
    /// <paramref name="video"/> on the warm <paramref name="p"/>, writing into <paramref name="dir"/>.</summary>
    /// <param name="track">When given, every frame is tracked on the way to the writer (<c>ghostyolo track</c>'s pipeline).</param>
    internal static (int Frames, (int H, int W) Shape, double Fps, double DetsPerFrame, FrameTimings Stages, TrackResult? Track) EndToEnd(
        string model, Predictor p, string video, string dir, CancellationToken ct, TrackOptions? track = null)
    {
        var sw = Stopwatch.StartNew();
        var task = new PredictTask(new PredictTaskOptions
        {
            Model = model, Source = video, Track = track,
            Predict = new PredictOptions { Project = Path.GetDirectoryName(dir)!, Name = Path.GetFileName(dir), ExistOk = true },
        }, p);
        var r = task.Run(ct: ct);
        if (r.Interrupted) throw new OperationCanceledException(ct);
        double fps = r.Frames / sw.Elapsed.TotalSeconds;
        return (r.Frames, r.LastShape, fps, (double)r.Detections / Math.Max(r.Frames, 1), r.Speed, r.Track);
    }

    internal static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
