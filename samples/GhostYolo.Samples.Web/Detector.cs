using System.Diagnostics;
using GhostYolo.Engine;
using OpenCvSharp;

namespace GhostYolo.Samples.Web;

/// <summary>One detection in the response (pixel corners in the posted image).</summary>
public sealed record DetectionJson(int Class, string Name, float Score, float X1, float Y1, float X2, float Y2);

/// <summary>The response of <c>POST /detect</c>.</summary>
public sealed record DetectResponse(int Width, int Height, IReadOnlyList<DetectionJson> Detections, double Milliseconds);

/// <summary>
/// The app's one model. Calls on a <see cref="Predictor"/> must not overlap, so requests take turns: libtorch already
/// spreads one image over every core, so a queue loses nothing on a CPU. (To serve several images at once, keep a pool of
/// predictors, each loaded from the same file, with intra-op threads split between them.)
/// </summary>
public sealed class Detector(string model, double conf) : IDisposable
{
    private readonly Predictor _predictor = Predictor.Load(model, new PredictOptions { Conf = conf }, imgszFromModel: true);
    private readonly SemaphoreSlim _turn = new(1, 1);

    public string Model => model;
    public IReadOnlyList<string> Names => _predictor.Names;

    public async Task<DetectResponse> DetectAsync(Mat bgr, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            var watch = Stopwatch.StartNew();
            using var result = _predictor.PredictImage(bgr);
            var detections = result.Detections
                .Select(d => new DetectionJson(d.Class, _predictor.Names[d.Class], d.Score, d.X1, d.Y1, d.X2, d.Y2))
                .ToList();
            return new DetectResponse(bgr.Width, bgr.Height, detections, watch.Elapsed.TotalMilliseconds);
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose()
    {
        _predictor.Dispose();
        _turn.Dispose();
    }
}
