using System.Globalization;

namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// A MOTChallenge <c>seqinfo.ini</c> (<c>[Sequence]</c> with name, imDir, frameRate, seqLength, imWidth, imHeight,
/// imExt). Only <c>seqLength</c> is required: it fixes the number of frames, which the text files alone cannot
/// tell when the last frames have no boxes.
/// </summary>
internal sealed record SeqInfo(int SeqLength, string? Name = null, string? ImDir = null, double? FrameRate = null,
    int? ImWidth = null, int? ImHeight = null, string? ImExt = null)
{
    /// <summary>Reads a <c>seqinfo.ini</c>; keys are case-insensitive as in Python's configparser.</summary>
    public static SeqInfo Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"seqinfo.ini not found: {path}", path);
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        var inSequence = false;
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is ';' or '#') continue;
            if (line[0] == '[')
            {
                inSequence = line.Equals("[Sequence]", StringComparison.OrdinalIgnoreCase);
                continue;
            }
            if (!inSequence) continue;
            var eq = line.IndexOfAny(['=', ':']);
            if (eq <= 0)
                throw new MotFormatException($"{path}:{lineNo}: expected key=value in [Sequence], got \"{line}\".");
            values[line[..eq].Trim()] = (line[(eq + 1)..].Trim(), lineNo);
        }

        string? Text(string key) => values.TryGetValue(key, out var v) ? v.Value : null;
        double? Number(string key)
        {
            if (!values.TryGetValue(key, out var v)) return null;
            if (!double.TryParse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                throw new MotFormatException($"{path}:{v.Line}: {key} = \"{v.Value}\" is not a number.");
            return d;
        }
        int? Integer(string key)
        {
            var d = Number(key);
            if (d is { } n && n != Math.Floor(n))
                throw new MotFormatException($"{path}:{values[key].Line}: {key} = {n} is not an integer.");
            return d is null ? null : (int)d.Value;
        }

        var length = Integer("seqLength")
            ?? throw new MotFormatException($"{path}: no seqLength in a [Sequence] section; add e.g. \"seqLength=300\".");
        if (length < 0)
            throw new MotFormatException($"{path}:{values["seqLength"].Line}: seqLength = {length} is negative.");
        return new SeqInfo(length, Text("name"), Text("imDir"), Number("frameRate"), Integer("imWidth"), Integer("imHeight"), Text("imExt"));
    }

    /// <summary>
    /// The <c>seqinfo.ini</c> that belongs to a ground-truth file in the MOTChallenge layout
    /// (<c>SEQ/gt/gt.txt</c> → <c>SEQ/seqinfo.ini</c>, or beside the file), or <c>null</c> when there is none.
    /// </summary>
    public static string? FindFor(string groundTruthPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(groundTruthPath));
        foreach (var candidate in new[] { dir, dir is null ? null : Path.GetDirectoryName(dir) })
        {
            if (candidate is null) continue;
            var ini = Path.Combine(candidate, "seqinfo.ini");
            if (File.Exists(ini)) return ini;
        }
        return null;
    }
}
