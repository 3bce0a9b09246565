using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace GhostYolo.Data;

/// <summary>
/// The verified images of one split with their labels (ultralytics <c>YOLODataset.cache_labels</c>/<c>get_labels</c>,
/// training.md §1.4–1.5). Corrupt pairs are dropped and counted; missing or empty labels are background images.
/// Results are cached in a JSON file next to the labels (<c>labels/train.ghostyolo.cache</c>), reused only while every image
/// and label file keeps its path, size and modification time.
/// </summary>
internal sealed class LabelIndex
{
    /// <summary>Cache format version; bump when the stored content changes.</summary>
    public const string CacheVersion = "ghostyolo-1";

    /// <summary>Usable images (verified; background images included), in sorted path order.</summary>
    public required IReadOnlyList<LabeledImage> Images { get; init; }
    /// <summary>Images whose label file exists (ultralytics nf).</summary>
    public required int Found { get; init; }
    /// <summary>Images without a label file (nm).</summary>
    public required int Missing { get; init; }
    /// <summary>Images with an empty label file (ne).</summary>
    public required int Empty { get; init; }
    /// <summary>Images dropped as corrupt (nc).</summary>
    public required int Corrupt { get; init; }
    /// <summary>Every problem and warning, each naming the file (and line).</summary>
    public required IReadOnlyList<ScanProblem> Problems { get; init; }
    /// <summary>Where the cache lives (null when there were no images).</summary>
    public string? CachePath { get; init; }
    /// <summary>True when the result came from a valid cache.</summary>
    public bool FromCache { get; init; }
    /// <summary>The folder that was scanned (the first image's folder).</summary>
    public required string Directory { get; init; }

    /// <summary>Background images (missing + empty labels).</summary>
    public int Backgrounds => Missing + Empty;

    /// <summary>Total number of boxes over usable images.</summary>
    public int Instances => Images.Sum(i => i.Boxes.Length);

    /// <summary>Ultralytics-style progress text without a prefix: "128 images, 2 backgrounds, 0 corrupt".</summary>
    public string Counts => $"{Found} images, {Backgrounds} backgrounds, {Corrupt} corrupt";

    /// <summary>Summary line, e.g. <c>train: Scanning /data/labels/train... 128 images, 2 backgrounds, 0 corrupt</c>.</summary>
    public string Summary(string prefix) => $"{prefix}: Scanning {Directory}... {Counts}";

    /// <summary>Scans a split of a dataset definition.</summary>
    public static LabelIndex Scan(DatasetDefinition def, string split, ILogger? logger = null, CancellationToken ct = default,
        IProgress<(int Done, int Total)>? progress = null)
    {
        var index = Scan(def.ImagePaths(split), def.Nc, logger, ct, progress);
        logger?.LogInformation("{Summary}", index.Summary(split) + (index.FromCache ? " (cache)" : ""));
        return index;
    }

    /// <summary>
    /// The cache file beside the label folder: <c>labels/train.ghostyolo.cache</c>. Not <c>labels/train.cache</c>, which is
    /// where ultralytics and yolov5 keep their own (numpy pickle) caches: one dataset serves all three tools, and
    /// GhostYolo neither reads nor overwrites theirs.
    /// </summary>
    public const string CacheSuffix = ".ghostyolo.cache";

    /// <summary>Verifies <paramref name="imagePaths"/> (sorted) against <paramref name="nc"/> classes, using the cache when valid.</summary>
    public static LabelIndex Scan(IReadOnlyList<string> imagePaths, int nc, ILogger? logger = null, CancellationToken ct = default,
        IProgress<(int Done, int Total)>? progress = null)
    {
        if (imagePaths.Count == 0)
            return new LabelIndex { Images = [], Found = 0, Missing = 0, Empty = 0, Corrupt = 0, Problems = [], Directory = "" };
        string labelDir = Path.GetDirectoryName(ImageFiles.LabelPathFor(imagePaths[0]))!;
        string cachePath = labelDir.TrimEnd(Path.DirectorySeparatorChar) + CacheSuffix;
        string hash = Hash(imagePaths, nc);

        if (TryLoadCache(cachePath, hash, labelDir, logger) is { } cached) return cached;

        var results = new LabelVerifier.Result[imagePaths.Count];
        int done = 0;
        Parallel.For(0, imagePaths.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
            i =>
            {
                results[i] = LabelVerifier.Verify(imagePaths[i], nc);
                int d = Interlocked.Increment(ref done);
                if (progress is not null && (d % 100 == 0 || d == imagePaths.Count)) progress.Report((d, imagePaths.Count));
            });

        var index = new LabelIndex
        {
            Images = [.. results.Where(r => r.Item is not null).Select(r => r.Item!)],
            Found = results.Count(r => r.Found),
            Missing = results.Count(r => r.Missing),
            Empty = results.Count(r => r.Empty),
            Corrupt = results.Count(r => r.Corrupt),
            Problems = [.. results.SelectMany(r => r.Problems)],
            CachePath = cachePath,
            Directory = labelDir,
        };
        foreach (var p in index.Problems) logger?.LogWarning("{Problem}", p.ToString());
        SaveCache(index, hash, logger);
        return index;
    }

    /// <summary>SHA-256 over nc and every image/label path with its size and mtime (missing files hash as missing).</summary>
    internal static string Hash(IReadOnlyList<string> imagePaths, int nc)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string path)
        {
            var fi = new FileInfo(path);
            string s = fi.Exists ? $"{path}|{fi.Length}|{fi.LastWriteTimeUtc.Ticks}\n" : $"{path}|missing\n";
            sha.AppendData(Encoding.UTF8.GetBytes(s));
        }
        sha.AppendData(Encoding.UTF8.GetBytes($"{CacheVersion}|nc={nc}\n"));
        foreach (var p in imagePaths) { Add(p); Add(ImageFiles.LabelPathFor(p)); }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private sealed record CacheFile(string Version, string Hash, int Found, int Missing, int Empty, int Corrupt,
        List<CacheItem> Images, List<ScanProblem> Problems);

    private sealed record CacheItem(string Im, string Lb, int H, int W, float[][] B);

    private static LabelIndex? TryLoadCache(string cachePath, string hash, string labelDir, ILogger? logger)
    {
        if (!File.Exists(cachePath)) return null;
        try
        {
            var c = JsonSerializer.Deserialize<CacheFile>(File.ReadAllText(cachePath));
            if (c is null || c.Version != CacheVersion || c.Hash != hash) return null;
            return new LabelIndex
            {
                Images = [.. c.Images.Select(i => new LabeledImage(i.Im, i.Lb, i.H, i.W,
                    [.. i.B.Select(b => new NormBox((int)b[0], b[1], b[2], b[3], b[4]))]))],
                Found = c.Found, Missing = c.Missing, Empty = c.Empty, Corrupt = c.Corrupt,
                Problems = c.Problems, CachePath = cachePath, FromCache = true, Directory = labelDir,
            };
        }
        catch (Exception e)
        {
            logger?.LogWarning("{Cache}: unreadable label cache ignored ({Error})", cachePath, e.Message);
            return null;
        }
    }

    private static void SaveCache(LabelIndex index, string hash, ILogger? logger)
    {
        var c = new CacheFile(CacheVersion, hash, index.Found, index.Missing, index.Empty, index.Corrupt,
            [.. index.Images.Select(i => new CacheItem(i.ImagePath, i.LabelPath, i.Height, i.Width,
                [.. i.Boxes.Select(b => new[] { b.Class, b.Cx, b.Cy, b.W, b.H })]))],
            [.. index.Problems]);
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(index.CachePath!)!);
            string tmp = index.CachePath + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(c));
            File.Move(tmp, index.CachePath!, overwrite: true);
        }
        catch (Exception e)
        {
            logger?.LogWarning("{Cache}: cache directory not writeable, cache not saved ({Error})", index.CachePath, e.Message);
        }
    }
}
