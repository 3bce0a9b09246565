namespace GhostYolo.Data;

/// <summary>One object: class and normalised centre-x, centre-y, width, height (YOLO label row).</summary>
internal readonly record struct NormBox(int Class, float Cx, float Cy, float W, float H);

/// <summary>A verified image with its (EXIF-corrected) size and labels; an empty <see cref="Boxes"/> is a background image.</summary>
internal sealed record LabeledImage(string ImagePath, string LabelPath, int Height, int Width, NormBox[] Boxes);

/// <summary>A problem found while scanning: the file, the 1-based label line when it is about a row, and what is wrong.</summary>
internal sealed record ScanProblem(string File, int? Line, string Message, bool Fatal)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Fatal ? "ignoring corrupt image/label" : "warning")}: {File}{(Line is { } l ? $":{l}" : "")}: {Message}";
}
