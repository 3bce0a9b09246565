using OpenCvSharp;

namespace GhostYolo.Engine.Sources;

/// <summary>
/// An opened video file or capture with its properties (ultralytics <c>LoadImagesAndVideos._new_video</c>):
/// fps from <c>CAP_PROP_FPS</c> (30 when unknown), frames = frame_count / vid_stride.
/// </summary>
internal sealed class VideoFile : IDisposable
{
    private readonly VideoCapture _capture;

    public string Path { get; }
    public int VidStride { get; }
    /// <summary>Input frame rate (30 when the container does not say).</summary>
    public double InputFps { get; }
    /// <summary>Frames that will be yielded after vid-stride (null when the container does not say, e.g. streams).</summary>
    public int? FrameCount { get; }
    public int Width { get; }
    public int Height { get; }

    private VideoFile(VideoCapture capture, string path, int vidStride)
    {
        _capture = capture;
        Path = path;
        VidStride = vidStride;
        double fps = capture.Get(VideoCaptureProperties.Fps);
        InputFps = double.IsFinite(fps) && fps > 0 && fps < 1000 ? fps : 30;
        double n = capture.Get(VideoCaptureProperties.FrameCount);
        FrameCount = double.IsFinite(n) && n > 0 ? (int)(n / vidStride) : null;
        Width = (int)capture.Get(VideoCaptureProperties.FrameWidth);
        Height = (int)capture.Get(VideoCaptureProperties.FrameHeight);
    }

    /// <summary>Opens a video file; throws <see cref="InvalidDataException"/> naming it when OpenCV cannot.</summary>
    public static VideoFile Open(string path, int vidStride = 1)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"video '{path}' not found", path);
        var cap = new VideoCapture(path);
        if (!cap.IsOpened())
        {
            cap.Dispose();
            throw new InvalidDataException($"{path}: cannot open the video (corrupt, truncated, or a format/codec this OpenCV build cannot decode)");
        }
        return new VideoFile(cap, path, vidStride);
    }

    /// <summary>Wraps an already opened capture (webcam, stream).</summary>
    internal static VideoFile FromCapture(VideoCapture capture, string path, int vidStride) => new(capture, path, vidStride);

    /// <summary>
    /// Reads the next frame, skipping <c>vid_stride − 1</c> frames first (grab without decoding); null at the end.
    /// The caller disposes the returned Mat.
    /// </summary>
    public Mat? Next()
    {
        for (int i = 0; i < VidStride - 1; i++)
            if (!_capture.Grab()) return null;
        var m = new Mat();
        if (_capture.Read(m) && !m.Empty()) return m;
        m.Dispose();
        return null;
    }

    public void Dispose() => _capture.Dispose();
}
