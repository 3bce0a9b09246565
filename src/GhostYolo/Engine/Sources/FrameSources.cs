using System.Globalization;
using GhostYolo.Data;

namespace GhostYolo.Engine.Sources;

/// <summary>
/// Turns a <c>--source</c> string into a frame source (ultralytics <c>check_source</c> + <c>LoadImagesAndVideos</c>):
/// an image or video file, a folder (its images and videos, sorted), a glob (<c>dir/*.jpg</c>, <c>dir/**/*.png</c>),
/// a <c>.txt</c> list of paths, a webcam index (<c>0</c>) or a stream URL.
/// </summary>
internal static class FrameSources
{
    private static readonly string[] StreamSchemes = ["rtsp://", "rtmp://", "http://", "https://", "tcp://", "udp://"];

    /// <summary>
    /// Opens <paramref name="source"/>. Throws <see cref="FileNotFoundException"/> when it names nothing,
    /// <see cref="InvalidDataException"/> for a video, webcam or stream that cannot be opened, and
    /// <see cref="NotSupportedException"/> for a file that is neither an image nor a video.
    /// </summary>
    public static IFrameSource Open(string source, int vidStride = 1)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new ArgumentException("the source is empty; pass an image, folder, glob, .txt list, video, webcam index or stream URL");
        if (vidStride < 1) throw new ArgumentException($"vid-stride {vidStride} must be at least 1");
        if (StreamSchemes.Any(s => source.StartsWith(s, StringComparison.OrdinalIgnoreCase)))
            return CaptureSource.Stream(source, vidStride);
        if (int.TryParse(source, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && !File.Exists(source) && !Directory.Exists(source))
            return CaptureSource.Webcam(index, vidStride);
        var files = ResolveFiles(source);
        var fileSource = new FileSource(files, vidStride, files.Count == 1 && files[0] == Path.GetFullPath(source) ? null : source);
        // Fail before the pipeline starts when a lone video cannot be opened, so the error is the first thing the user sees.
        if (files.Count == 1 && ImageFiles.IsVideo(files[0])) VideoFile.Open(files[0], vidStride).Dispose();
        return fileSource;
    }

    /// <summary>The image and video files <paramref name="source"/> names (not a webcam or stream), full paths.</summary>
    public static IReadOnlyList<string> ResolveFiles(string source)
    {
        if (Directory.Exists(source))
        {
            var found = Sorted(Directory.EnumerateFiles(source).Where(IsMedia));
            if (found.Count == 0) throw new FileNotFoundException($"folder '{source}' has no images or videos ({Supported})");
            return found;
        }
        if (source.Contains('*') || source.Contains('?'))
        {
            var found = Sorted(Glob(source).Where(IsMedia));
            if (found.Count == 0) throw new FileNotFoundException($"glob '{source}' matches no images or videos");
            return found;
        }
        if (File.Exists(source) && source.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)) return FromList(source);
        if (File.Exists(source))
        {
            if (!IsMedia(source)) throw new NotSupportedException($"'{source}' is neither an image nor a video ({Supported})");
            return [Path.GetFullPath(source)];
        }
        throw new FileNotFoundException($"source '{source}' not found: not a file, folder, glob, list, video or webcam index", source);
    }

    private static string Supported => $"images: {string.Join(" ", ImageFiles.ImageExtensions.Order())}; videos: {string.Join(" ", ImageFiles.VideoExtensions.Order())}";

    private static bool IsMedia(string p) => ImageFiles.IsImage(p) || ImageFiles.IsVideo(p);

    private static List<string> Sorted(IEnumerable<string> paths)
    {
        var list = paths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>A glob with wildcards in the file name; a <c>**</c> folder segment searches recursively.</summary>
    private static IEnumerable<string> Glob(string pattern)
    {
        string dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        string name = Path.GetFileName(pattern);
        var option = SearchOption.TopDirectoryOnly;
        if (Path.GetFileName(dir) == "**")
        {
            dir = Path.GetDirectoryName(dir) is { Length: > 0 } d2 ? d2 : ".";
            option = SearchOption.AllDirectories;
        }
        if (dir.Contains('*') || dir.Contains('?'))
            throw new NotSupportedException($"glob '{pattern}': wildcards are supported in the file name and as a '**' folder only");
        if (!Directory.Exists(dir)) throw new FileNotFoundException($"glob '{pattern}': folder '{dir}' not found");
        return Directory.EnumerateFiles(dir, name, option);
    }

    /// <summary>A .txt list: one path (file, folder or glob) per line, relative to the list's folder.</summary>
    private static List<string> FromList(string listPath)
    {
        string parent = Path.GetDirectoryName(Path.GetFullPath(listPath))!;
        var files = new List<string>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(listPath))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string p = Path.IsPathRooted(line) ? line : Path.Combine(parent, line);
            if (Directory.Exists(p) || p.Contains('*') || p.Contains('?')) files.AddRange(ResolveFiles(p));
            else if (File.Exists(p))
            {
                if (!IsMedia(p)) throw new NotSupportedException($"{listPath}:{lineNo}: '{line}' is neither an image nor a video");
                files.Add(Path.GetFullPath(p));
            }
            else throw new FileNotFoundException($"{listPath}:{lineNo}: '{line}' not found (relative paths are resolved against {parent})", p);
        }
        if (files.Count == 0) throw new FileNotFoundException($"list '{listPath}' names no images or videos");
        return files;
    }
}
