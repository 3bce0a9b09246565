using GhostYolo.Engine.Sources;
using GhostYolo.Visual;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace GhostYolo.Engine.Sinks;

/// <summary>
/// The encode stage of the predict pipeline: a writer thread fed through a bounded queue draws the boxes on each
/// original frame (ultralytics <c>Results.plot</c>) and writes annotated images (same file names), annotated videos
/// (<see cref="AnnotatedVideoWriter"/>), YOLO labels (<see cref="LabelFile"/>) and/or shows a window.
/// <see cref="Post"/> blocks while the queue is full, so memory stays flat; <see cref="Complete"/> (or
/// <see cref="Dispose"/>, e.g. after Ctrl+C) drains the queue and releases the video writer, leaving playable files.
/// </summary>
internal sealed class PredictionWriter : IDisposable
{
    private readonly HandoffQueue<Item> _queue;
    private readonly Thread _thread;
    private readonly PredictOptions _options;
    private readonly IReadOnlyList<string> _names;
    private readonly ILogger _logger;
    private readonly AnnotatedVideoWriter _video;
    private readonly DisplayWindow? _window;
    private Exception? _error;
    private bool _completed;
    private int _images, _labels;

    private sealed record Item(FrameResult Result, Mat Image);

    /// <param name="saveDir">Run folder (e.g. from <see cref="RunDirectory.Create"/>); created when missing.</param>
    /// <param name="names">Class names for labels.</param>
    /// <param name="options">Save, SaveTxt, SaveConf, Show, LineWidth, HideLabels, HideConf, QueueCapacity are used.</param>
    public PredictionWriter(string saveDir, IReadOnlyList<string> names, PredictOptions options, ILogger? logger = null)
    {
        SaveDir = saveDir;
        Directory.CreateDirectory(saveDir);
        _names = names;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _video = new AnnotatedVideoWriter(saveDir);
        if (options.Show)
        {
            if (DisplayWindow.UnavailableReason is { } why) _logger.LogWarning("{Reason}", why);
            else _window = new DisplayWindow();
        }
        _queue = new HandoffQueue<Item>(options.QueueCapacity);
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "ghostyolo-encode" };
        _thread.Start();
    }

    public string SaveDir { get; }
    /// <summary>Annotated images written.</summary>
    public int ImagesWritten => Volatile.Read(ref _images);
    /// <summary>Label files written.</summary>
    public int LabelsWritten => Volatile.Read(ref _labels);
    /// <summary>Annotated videos and their frame counts (final after <see cref="Complete"/>).</summary>
    public IReadOnlyList<(string Path, int Frames)> Videos => _video.Written;
    /// <summary>True when frames are shown in a window.</summary>
    public bool Showing => _window is not null;

    /// <summary>
    /// Queues <paramref name="result"/> for writing, taking ownership of its image; blocks while the queue is full.
    /// Throws the writer thread's error, if it failed.
    /// </summary>
    public void Post(FrameResult result)
    {
        if (_completed) throw new InvalidOperationException("the writer is complete");
        var item = new Item(result, result.TakeImage());
        try
        {
            if (!_queue.Add(item)) throw new IOException("the prediction writer stopped", _error);
        }
        catch
        {
            item.Image.Dispose();
            throw;
        }
    }

    /// <summary>Writes everything queued, releases the video writer and rethrows a writer error.</summary>
    public void Complete()
    {
        if (!_completed)
        {
            _completed = true;
            _queue.Complete();
            _thread.Join();
        }
        if (_error is { } e) throw new IOException($"writing predictions to {SaveDir} failed: {e.Message}", e);
    }

    private void WriteLoop()
    {
        try
        {
            while (_queue.TryTake(out var item))
                using (item.Image) Write(item.Result, item.Image);
        }
        catch (Exception e)
        {
            _error = e;
            _queue.Complete(e);
            while (_queue.TryTakeNow(out var item)) item.Image.Dispose();
        }
        finally
        {
            try { _video.Release(); }
            catch (Exception e) { _error ??= e; }
            try { _window?.Dispose(); }
            catch (Exception e) { _logger.LogWarning(e, "closing the display window failed"); }
        }
    }

    private void Write(FrameResult r, Mat image)
    {
        if (_options.SaveTxt)
        {
            LabelFile.Write(SaveDir, r, _options.SaveConf);
            Interlocked.Increment(ref _labels);
        }
        if (!_options.Save && _window is null) return;
        if (r.Trails is { } trails) Drawing.Trails(image, trails, _options.LineWidth);
        if (r.CountLine is { } line) Drawing.CountLine(image, line.A, line.B, line.In, line.Out, _options.LineWidth);
        Drawing.Boxes(image, r.Detections.Select(d => d.ToDrawBox()).ToList(), _names, _options.LineWidth,
            labels: !_options.HideLabels, confidences: !_options.HideConf);
        if (_options.Save)
        {
            if (r.Kind == SourceKind.Image)
            {
                string path = Path.Combine(SaveDir, Path.GetFileName(r.Path));
                if (!Cv2.ImWrite(path, image)) throw new IOException($"{path}: OpenCV could not write the annotated image");
                Interlocked.Increment(ref _images);
            }
            else _video.Write(r.Path, image, r.Fps);
        }
        _window?.Show(Path.GetFileName(r.Path) is { Length: > 0 } n ? n : r.Path, image);
    }

    /// <summary>Completes (draining the queue) without throwing; call <see cref="Complete"/> to see errors.</summary>
    public void Dispose()
    {
        try { Complete(); }
        catch (IOException e) { _logger.LogError(e, "writing predictions failed"); }
    }
}
