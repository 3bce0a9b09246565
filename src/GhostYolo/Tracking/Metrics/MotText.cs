using System.Globalization;

namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// Reads MOTChallenge text files (<c>gt/gt.txt</c>, a tracker's <c>SEQ.txt</c>): one box per line,
/// <c>frame,id,x,y,w,h[,conf[,class,visibility | ,-1,-1,-1]]</c>, comma separated (spaces around values and
/// whitespace-only separation are accepted, as TrackEval's sniffing reader does). Frame and id may be written as
/// integral decimals (<c>1.0</c>). Every bad row fails with the file, the line and the reason.
/// </summary>
internal static class MotText
{
    /// <summary>Reads a file. <paramref name="maxFrame"/> (a sequence's <c>seqLength</c>) rejects rows past the end.</summary>
    public static IReadOnlyList<MotRow> Read(string path, int? maxFrame = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"MOT file not found: {path}", path);
        using var reader = new StreamReader(path);
        return Parse(reader, path, maxFrame);
    }

    /// <summary>Parses MOT text; <paramref name="source"/> names it in error messages.</summary>
    public static IReadOnlyList<MotRow> Parse(TextReader reader, string source, int? maxFrame = null)
    {
        var rows = new List<MotRow>();
        var seen = new Dictionary<(int Frame, int Id), int>();      // → line, to name both lines of a duplicate
        var lineNo = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var row = ParseLine(line, source, lineNo);
            if (maxFrame is { } last && row.Frame > last)
                throw new MotFormatException(
                    $"{source}:{lineNo}: frame {row.Frame} is past the sequence's end (seqLength = {last} in seqinfo.ini).");
            if (seen.TryGetValue((row.Frame, row.Id), out var first))
                throw new MotFormatException(
                    $"{source}:{lineNo}: id {row.Id} appears twice in frame {row.Frame} (first on line {first}); an id may have one box per frame.");
            seen[(row.Frame, row.Id)] = lineNo;
            rows.Add(row);
        }
        return rows;
    }

    static MotRow ParseLine(string line, string source, int lineNo)
    {
        var parts = line.Contains(',')
            ? line.Split(',', StringSplitOptions.TrimEntries)
            : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        // A trailing comma leaves an empty last field, which TrackEval drops too.
        var count = parts.Length > 0 && parts[^1].Length == 0 ? parts.Length - 1 : parts.Length;
        if (count < 6)
            throw new MotFormatException(
                $"{source}:{lineNo}: {count} columns; a MOT row needs at least frame,id,x,y,w,h (got \"{line.Trim()}\").");

        double Number(int col, string name)
        {
            if (!double.TryParse(parts[col], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new MotFormatException($"{source}:{lineNo}: column {col + 1} ({name}) is \"{parts[col]}\", not a number.");
            return v;
        }
        int Integer(int col, string name)
        {
            var v = Number(col, name);
            if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                throw new MotFormatException($"{source}:{lineNo}: column {col + 1} ({name}) is \"{parts[col]}\", not an integer.");
            return (int)v;
        }

        var frame = Integer(0, "frame");
        if (frame < 1)
            throw new MotFormatException($"{source}:{lineNo}: frame {frame}; MOT frames are numbered from 1.");
        var id = Integer(1, "id");
        double x = Number(2, "x"), y = Number(3, "y"), w = Number(4, "w"), h = Number(5, "h");
        double? conf = count >= 7 ? Number(6, "conf") : null;
        return new MotRow(frame, id, x, y, w, h, conf);
    }
}
