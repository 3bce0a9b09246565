using OpenCvSharp;

namespace GhostYolo.Engine.Sources;

/// <summary>What a frame came from: a still image, a video file, or a live capture (webcam index or stream URL).</summary>
public enum SourceKind
{
    /// <summary>A still image file.</summary>
    Image,
    /// <summary>A video file.</summary>
    Video,
    /// <summary>A webcam or a stream URL: live, with no known length.</summary>
    Stream,
}

/// <summary>
/// One decoded frame (8-bit BGR, original size) and where it came from; owns <see cref="Image"/> until disposed.
/// </summary>
/// <param name="Image">The frame as OpenCV decoded it (BGR, HWC).</param>
/// <param name="Path">The image or video file, the webcam index or the stream URL.</param>
/// <param name="Kind">Image, video file or live stream.</param>
/// <param name="SourceIndex">Index of the file (0-based) within the source's file list.</param>
/// <param name="SourceCount">Number of files in the source (1 for a video, webcam or stream).</param>
/// <param name="FrameIndex">0-based index of the frame within its video (after vid-stride); 0 for images.</param>
/// <param name="FrameCount">Frames the video will yield (after vid-stride) when known; 1 for images, null for live streams.</param>
/// <param name="Fps">Frame rate the output video should play at (input fps / vid-stride); 0 for images.</param>
public sealed record Frame(Mat Image, string Path, SourceKind Kind, int SourceIndex, int SourceCount, int FrameIndex, int? FrameCount, double Fps) : IDisposable
{
    /// <summary>Releases <see cref="Image"/>.</summary>
    public void Dispose() => Image.Dispose();
}

/// <summary>
/// A producer of frames (ultralytics <c>LoadImagesAndVideos</c> / <c>LoadStreams</c>). <see cref="ReadFrames"/> is
/// called once, from one thread; the consumer disposes every frame it receives.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>What is being read, e.g. "3 images and 1 video in /data/x" (for logs).</summary>
    string Description { get; }

    /// <summary>Number of files (images + videos) for file sources; null for live captures.</summary>
    int? FileCount { get; }

    /// <summary>Decodes frames in order. Errors name the file and what is wrong (<see cref="InvalidDataException"/>).</summary>
    IEnumerable<Frame> ReadFrames(CancellationToken cancellationToken = default);
}
