using OpenCvSharp;

namespace GhostYolo.Engine.Sources;

/// <summary>
/// A live capture: a webcam by index or a stream URL OpenCV can open (ultralytics <c>LoadStreams</c>, one stream).
/// Opening fails fast with a clear message when the camera or stream is not there.
/// </summary>
internal sealed class CaptureSource : IFrameSource
{
    private readonly VideoFile _video;
    private readonly string _path;

    private CaptureSource(VideoFile video, string path, string description)
    {
        _video = video;
        _path = path;
        Description = description;
    }

    public string Description { get; }
    public int? FileCount => null;
    /// <summary>Frame size reported by the device.</summary>
    public (int H, int W) Size => (_video.Height, _video.Width);

    /// <summary>Opens webcam <paramref name="index"/> (<c>/dev/video{index}</c> on Linux).</summary>
    public static CaptureSource Webcam(int index, int vidStride = 1)
    {
        var cap = new VideoCapture(index);
        if (!cap.IsOpened())
        {
            cap.Dispose();
            throw new InvalidDataException($"webcam {index} cannot be opened: no camera with that index{(OperatingSystem.IsLinux() ? $" (/dev/video{index} {(File.Exists($"/dev/video{index}") ? "exists but is busy or not a capture device" : "does not exist")})" : "")}; check the index or pass an image, folder or video as --source");
        }
        return new CaptureSource(VideoFile.FromCapture(cap, index.ToString(System.Globalization.CultureInfo.InvariantCulture), vidStride), index.ToString(System.Globalization.CultureInfo.InvariantCulture), $"webcam {index}");
    }

    /// <summary>Opens a stream URL (rtsp://, http(s)://, rtmp://, tcp://, udp://).</summary>
    public static CaptureSource Stream(string url, int vidStride = 1)
    {
        var cap = new VideoCapture(url);
        if (!cap.IsOpened())
        {
            cap.Dispose();
            throw new InvalidDataException($"stream '{url}' cannot be opened (unreachable, wrong URL or a protocol this OpenCV build does not support)");
        }
        return new CaptureSource(VideoFile.FromCapture(cap, url, vidStride), url, $"stream {url}");
    }

    public IEnumerable<Frame> ReadFrames(CancellationToken cancellationToken = default)
    {
        int f = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var m = _video.Next();
            if (m is null) yield break;
            // Live frame counts are unknown, and a stream's fps is often missing: VideoFile falls back to 30.
            yield return new Frame(m, _path, SourceKind.Stream, 0, 1, f++, null, _video.InputFps / _video.VidStride);
        }
    }

    public void Dispose() => _video.Dispose();
}
