using System.Globalization;
using OpenCvSharp;

namespace GhostYolo.Visual;

/// <summary>The ultralytics v8 class palette (ultralytics <c>utils.plotting.Colors</c>, training.md §7).</summary>
internal static class Palette
{
    private static readonly string[] Hex =
    [
        "042AFF", "0BDBEB", "F3F3F3", "00DFB7", "111F68", "FF6FDD", "FF444F", "CCED00", "00F344", "BD00FF",
        "00B4FF", "DD00BA", "00FFFF", "26C000", "01FFB3", "7D24FF", "7B0068", "FF1B6C", "FC6D2F", "A2FF0B",
    ];

    /// <summary>Palette indices whose colour is light enough to need dark label text.</summary>
    private static readonly HashSet<int> LightIndices = [1, 2, 3, 5, 7, 8, 12, 14, 19];

    /// <summary>Number of palette colours.</summary>
    public static int Count => Hex.Length;

    /// <summary>Dark text colour (BGR) used on light boxes.</summary>
    public static readonly Scalar DarkText = new(104, 31, 17);

    /// <summary>White text colour.</summary>
    public static readonly Scalar WhiteText = new(255, 255, 255);

    /// <summary>(R, G, B) of class <paramref name="cls"/> (cycling through 20 colours).</summary>
    public static (byte R, byte G, byte B) Rgb(int cls)
    {
        string h = Hex[((cls % Hex.Length) + Hex.Length) % Hex.Length];
        return (byte.Parse(h[..2], NumberStyles.HexNumber), byte.Parse(h[2..4], NumberStyles.HexNumber), byte.Parse(h[4..], NumberStyles.HexNumber));
    }

    /// <summary>OpenCV BGR colour of class <paramref name="cls"/>.</summary>
    public static Scalar Bgr(int cls)
    {
        var (r, g, b) = Rgb(cls);
        return new Scalar(b, g, r);
    }

    /// <summary>Label text colour for a box of class <paramref name="cls"/>: dark on light palette entries, else white.</summary>
    public static Scalar TextColor(int cls) => LightIndices.Contains(((cls % Hex.Length) + Hex.Length) % Hex.Length) ? DarkText : WhiteText;

    /// <summary>Label text colour for an arbitrary BGR box colour (dark when it equals a light palette colour).</summary>
    public static Scalar TextColor(Scalar boxBgr)
    {
        foreach (int i in LightIndices)
            if (Bgr(i) == boxBgr) return DarkText;
        return WhiteText;
    }
}
