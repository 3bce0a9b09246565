using GhostYolo.Data;
using OpenCvSharp;

namespace GhostYolo.Engine.Sources;

/// <summary>
/// Images and video files from a list of paths (a single file, a folder, a glob or a .txt list; see
/// <see cref="FrameSources.Open"/>), read in order (ultralytics <c>LoadImagesAndVideos</c>).
/// </summary>
internal sealed class FileSource : IFrameSource
{
    private readonly IReadOnlyList<string> _paths;
    private readonly int _vidStride;

    /// <param name="paths">Image or video files (by extension, see <see cref="ImageFiles"/>).</param>
    /// <param name="vidStride">Read every N-th video frame.</param>
    /// <param name="origin">Where the list came from, for <see cref="Description"/>.</param>
    public FileSource(IReadOnlyList<string> paths, int vidStride = 1, string? origin = null)
    {
        if (vidStride < 1) throw new ArgumentOutOfRangeException(nameof(vidStride), "vid-stride must be at least 1");
        foreach (var p in paths)
            if (!ImageFiles.IsImage(p) && !ImageFiles.IsVideo(p))
                throw new NotSupportedException($"'{p}' is neither an image ({string.Join(", ", ImageFiles.ImageExtensions.Order())}) nor a video ({string.Join(", ", ImageFiles.VideoExtensions.Order())})");
        _paths = paths;
        _vidStride = vidStride;
        int videos = paths.Count(ImageFiles.IsVideo), images = paths.Count - videos;
        var parts = new List<string>();
        if (images > 0) parts.Add(images == 1 ? "1 image" : $"{images} images");
        if (videos > 0) parts.Add(videos == 1 ? "1 video" : $"{videos} videos");
        Description = string.Join(" and ", parts) + (origin is null ? "" : $" from {origin}");
    }

    public IReadOnlyList<string> Paths => _paths;
    public string Description { get; }
    public int? FileCount => _paths.Count;

    public IEnumerable<Frame> ReadFrames(CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < _paths.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = _paths[i];
            if (ImageFiles.IsImage(path))
            {
                yield return new Frame(ReadImage(path), path, SourceKind.Image, i, _paths.Count, 0, 1, 0);
                continue;
            }
            using var video = VideoFile.Open(path, _vidStride);
            int f = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var m = video.Next();
                if (m is null) break;
                yield return new Frame(m, path, SourceKind.Video, i, _paths.Count, f++, video.FrameCount, video.InputFps / _vidStride);
            }
            if (f == 0 && !cancellationToken.IsCancellationRequested)
                throw new InvalidDataException($"{path}: the video opened but no frame could be decoded (corrupt or truncated file)");
        }
    }

    private static Mat ReadImage(string path)
    {
        try { return ImageLoader.Read(path); }
        catch (DatasetException e) { throw new InvalidDataException(e.Message, e); }
    }

    public void Dispose() { }
}
