using System.Globalization;
using System.Text;
using GhostYolo.Engine.Sources;
using GhostYolo.Visual;
using OpenCvSharp;

namespace GhostYolo.Engine;

/// <summary>One detection in original-image pixels (a row of ultralytics <c>Results.boxes.data</c>: x1, y1, x2, y2, conf, cls).</summary>
/// <param name="X1">Left edge in original-image pixels.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
/// <param name="Score">Confidence (class score; for anchor-based heads objectness × class score).</param>
/// <param name="Class">Class id (an index into the model's names).</param>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, float Score, int Class)
{
    /// <summary>The track this box belongs to when a tracker ran (ultralytics <c>boxes.id</c>); null for plain detection.</summary>
    public int? TrackId { get; init; }

    /// <summary>Box width in pixels.</summary>
    public float Width => X2 - X1;
    /// <summary>Box height in pixels.</summary>
    public float Height => Y2 - Y1;

    /// <summary>The box as the drawing code takes it (confidence omitted when <paramref name="withConfidence"/> is false).</summary>
    internal DrawBox ToDrawBox(bool withConfidence = true) => new(X1, Y1, X2, Y2, Class, withConfidence ? Score : null, TrackId);
}

/// <summary>Milliseconds spent on one frame per stage (batched stages are divided by the batch size, as ultralytics does).</summary>
/// <param name="PreprocessMs">LetterBox, BGR→RGB CHW and the move to the device/dtype.</param>
/// <param name="InferenceMs">The model forward.</param>
/// <param name="PostprocessMs">NMS, scaling back to the original image and the copy to plain arrays.</param>
public readonly record struct FrameTimings(double PreprocessMs, double InferenceMs, double PostprocessMs);

/// <summary>
/// The prediction for one frame: detections in original pixels, sizes, where the frame came from and timings.
/// <see cref="Image"/> (the original BGR frame) belongs to the predictor and is released when the enumeration moves on,
/// unless the consumer takes it with <see cref="TakeImage"/> (e.g. to annotate it on another thread).
/// </summary>
public sealed class FrameResult : IDisposable
{
    private Mat? _image;

    internal FrameResult(Frame frame, (int H, int W) inputShape, int batchSize, IReadOnlyList<Detection> detections, FrameTimings timings)
    {
        _image = frame.Image;
        Path = frame.Path;
        Kind = frame.Kind;
        SourceIndex = frame.SourceIndex;
        SourceCount = frame.SourceCount;
        FrameIndex = frame.FrameIndex;
        FrameCount = frame.FrameCount;
        Fps = frame.Fps;
        OriginalShape = (frame.Image.Rows, frame.Image.Cols);
        InputShape = inputShape;
        BatchSize = batchSize;
        Detections = detections;
        Timings = timings;
    }

    /// <summary>The image or video file, the webcam index or the stream URL the frame came from.</summary>
    public string Path { get; }
    /// <summary>Image, video file or live stream.</summary>
    public SourceKind Kind { get; }
    /// <summary>Index of the file (0-based) within the source's file list.</summary>
    public int SourceIndex { get; }
    /// <summary>Number of files in the source (1 for a video, webcam or stream).</summary>
    public int SourceCount { get; }
    /// <summary>0-based frame index within its video (0 for images).</summary>
    public int FrameIndex { get; }
    /// <summary>Frames its video yields when known (1 for images, null for live streams).</summary>
    public int? FrameCount { get; }
    /// <summary>Frame rate for the output video (input fps / vid-stride; 0 for images).</summary>
    public double Fps { get; }
    /// <summary>Original frame size.</summary>
    public (int H, int W) OriginalShape { get; }
    /// <summary>Letterboxed network input size.</summary>
    public (int H, int W) InputShape { get; }
    /// <summary>Frames in the forward pass this frame was part of.</summary>
    public int BatchSize { get; }
    /// <summary>Detections sorted by descending score; after tracking, the tracked boxes with their IDs.</summary>
    public IReadOnlyList<Detection> Detections { get; internal set; }
    /// <summary>After tracking with trails: each live track's recent box centres, for drawing.</summary>
    public IReadOnlyList<(int TrackId, IReadOnlyList<Point> Points)>? Trails { get; internal set; }
    /// <summary>After tracking with a counting line: the line and its totals so far, for drawing.</summary>
    public (Point A, Point B, int In, int Out)? CountLine { get; internal set; }
    /// <summary>Milliseconds per stage for this frame.</summary>
    public FrameTimings Timings { get; }

    /// <summary>The original BGR frame; valid until the enumeration moves on (or until disposed, once taken).</summary>
    public Mat Image => _image ?? throw new ObjectDisposedException(nameof(FrameResult),
        "the frame image is released when the prediction enumeration moves on; call TakeImage() to keep it");

    /// <summary>Takes ownership of <see cref="Image"/>: the predictor no longer releases it and the caller disposes it.</summary>
    public Mat TakeImage()
    {
        var m = Image;
        _image = null;
        return m;
    }

    /// <summary>Detection count per class, in ascending class order.</summary>
    public IReadOnlyList<(int Class, int Count)> CountsPerClass() =>
        Detections.GroupBy(d => d.Class).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();

    /// <summary>"2 circles, 1 square" (ultralytics <c>verbose()</c>), or "(no detections)".</summary>
    public string Summary(IReadOnlyList<string> names)
    {
        if (Detections.Count == 0) return "(no detections)";
        return string.Join(", ", CountsPerClass().Select(c =>
            $"{c.Count} {(c.Class >= 0 && c.Class < names.Count ? names[c.Class] : c.Class.ToString(CultureInfo.InvariantCulture))}{(c.Count > 1 ? "s" : "")}"));
    }

    /// <summary>
    /// The ultralytics log line: <c>image 1/3 /p/a.jpg: 480x640 2 circles, 1 square, 12.3ms</c>,
    /// <c>video 1/1 (frame 5/60) /p/v.mp4: …</c>, or <c>0: 480x640 …</c> for a live stream.
    /// </summary>
    public string LogLine(IReadOnlyList<string> names)
    {
        var sb = new StringBuilder();
        switch (Kind)
        {
            case SourceKind.Image: sb.Append(CultureInfo.InvariantCulture, $"image {SourceIndex + 1}/{SourceCount} {Path}: "); break;
            case SourceKind.Video: sb.Append(CultureInfo.InvariantCulture, $"video {SourceIndex + 1}/{SourceCount} (frame {FrameIndex + 1}/{(FrameCount is { } n ? n.ToString(CultureInfo.InvariantCulture) : "?")}) {Path}: "); break;
            default: sb.Append(CultureInfo.InvariantCulture, $"{SourceIndex}: "); break;
        }
        sb.Append(CultureInfo.InvariantCulture, $"{InputShape.H}x{InputShape.W} {Summary(names)}, {Timings.InferenceMs:F1}ms");
        return sb.ToString();
    }

    /// <summary>Releases the image unless it was taken.</summary>
    public void Dispose()
    {
        _image?.Dispose();
        _image = null;
    }
}
