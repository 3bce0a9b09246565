namespace GhostYolo.Data;

/// <summary>Image file rules shared by the dataset code (ultralytics <c>IMG_FORMATS</c>, <c>img2label_paths</c>).</summary>
internal static class ImageFiles
{
    /// <summary>Image extensions accepted in datasets (case-insensitive, without dot).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>(["bmp", "dng", "jpeg", "jpg", "mpo", "png", "tif", "tiff", "webp", "pfm"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Video extensions (for frame sources).</summary>
    public static readonly IReadOnlySet<string> VideoExtensions =
        new HashSet<string>(["asf", "avi", "gif", "m4v", "mkv", "mov", "mp4", "mpeg", "mpg", "ts", "wmv", "webm"], StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the file name has an image extension.</summary>
    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).TrimStart('.'));

    /// <summary>True when the file name has a video extension.</summary>
    public static bool IsVideo(string path) => VideoExtensions.Contains(Path.GetExtension(path).TrimStart('.'));

    /// <summary>
    /// Image path → label path (training.md §1.2): the last <c>/images/</c> becomes <c>/labels/</c>, the extension <c>.txt</c>.
    /// </summary>
    public static string LabelPathFor(string imagePath)
    {
        string sep = Path.DirectorySeparatorChar.ToString();
        string a = sep + "images" + sep, b = sep + "labels" + sep;
        string p = imagePath.Replace('/', Path.DirectorySeparatorChar);
        int i = p.LastIndexOf(a, StringComparison.Ordinal);
        if (i >= 0) p = string.Concat(p.AsSpan(0, i), b, p.AsSpan(i + a.Length));
        int dot = p.LastIndexOf('.');
        int slash = p.LastIndexOf(Path.DirectorySeparatorChar);
        return (dot > slash ? p[..dot] : p) + ".txt";
    }

    /// <summary>
    /// Expands one split source (a folder searched recursively, a .txt list or a single image) into image paths.
    /// Relative lines of a .txt list resolve against the list's folder.
    /// </summary>
    public static IEnumerable<string> Expand(string source)
    {
        if (Directory.Exists(source))
            return Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories).Where(IsImage).Select(Path.GetFullPath);
        if (File.Exists(source) && source.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(source))!;
            return File.ReadAllLines(source)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0)
                .Select(l => Path.GetFullPath(Path.IsPathRooted(l) ? l : Path.Combine(dir, l.StartsWith("./", StringComparison.Ordinal) ? l[2..] : l)))
                .Where(IsImage)
                .ToList();
        }
        if (File.Exists(source) && IsImage(source)) return [Path.GetFullPath(source)];
        throw new DatasetException($"'{source}' is not an image folder, an image or a .txt image list");
    }

    /// <summary>All images of several sources, sorted ordinally on the full path (ultralytics sorts the list).</summary>
    public static List<string> ExpandAll(IEnumerable<string> sources)
    {
        var list = sources.SelectMany(Expand).Distinct(StringComparer.Ordinal).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
