using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>Options for <see cref="ShapesSequence.Write"/>: the scene's length, frame size and population.</summary>
internal sealed record SequenceOptions
{
    public int Frames { get; init; } = 300;
    public int Fps { get; init; } = 30;
    public int Width { get; init; } = 320;
    public int Height { get; init; } = 240;
    public int Classes { get; init; } = 4;
    /// <summary>Smallest shape diameter in pixels; diameters are log-uniform from this to a third of the short side.</summary>
    public int MinSize { get; init; } = 16;
    public int MinObjects { get; init; } = 10;
    public int MaxObjects { get; init; } = 15;
    public int Seed { get; init; }
    /// <summary>
    /// Also write every frame as <c>img1/000001.jpg</c> … (the video is always written; <c>seqinfo.ini</c> names
    /// <c>imDir=img1</c> either way, as every MOTChallenge sequence does).
    /// </summary>
    public bool Images { get; init; }
}

/// <summary>What <see cref="ShapesSequence.Write"/> wrote, and the scene's full ground truth.</summary>
/// <param name="Dir">The sequence folder (MOTChallenge layout).</param>
/// <param name="Objects">Distinct IDs in <c>gt.txt</c>.</param>
/// <param name="Rows">Rows in <c>gt.txt</c>.</param>
/// <param name="Crossings">Each time one shape covered more than half of another for 5 or more consecutive frames.</param>
/// <param name="States">Every object in every frame, including frames where it is hidden or outside.</param>
/// <param name="VideoPath">The sequence's <c>video.mp4</c>.</param>
/// <param name="GtPath">The ground truth, <c>gt/gt.txt</c> (MOTChallenge rows).</param>
/// <param name="SeqInfoPath"><c>seqinfo.ini</c>.</param>
/// <param name="ImageDir">The <c>img1</c> folder when the frames were written as images; null otherwise.</param>
/// <param name="Frames">Frames in the sequence.</param>
public sealed record SequenceResult(
    string Dir, string VideoPath, string GtPath, string SeqInfoPath, string? ImageDir, int Frames, int Objects, int Rows,
    IReadOnlyList<ShapeCrossing> Crossings, IReadOnlyList<ShapeState> States);

/// <summary>
/// <paramref name="Front"/> covered more than half of <paramref name="Back"/>'s pixels in frames
/// <paramref name="FirstFrame"/>…<paramref name="LastFrame"/> (from 1): the longest such run while the two overlapped.
/// </summary>
/// <param name="Front">The ID of the shape in front.</param>
/// <param name="Back">The ID of the shape behind.</param>
/// <param name="FirstFrame">First frame of the run (from 1).</param>
/// <param name="LastFrame">Last frame of the run.</param>
public readonly record struct ShapeCrossing(int Front, int Back, int FirstFrame, int LastFrame)
{
    /// <summary>Frames in the run (<c>LastFrame - FirstFrame + 1</c>).</summary>
    public int CoveredFrames => LastFrame - FirstFrame + 1;
}

/// <summary>
/// One object in one frame (from 1): centre and circumradius in pixels, its pixel count as a whole shape, inside the
/// frame, and visible (inside and not under a shape in front); <paramref name="Box"/> is its <c>gt.txt</c> box, or null
/// when it has no row there (hidden, outside, or a visible part under 3 px on a side).
/// </summary>
/// <param name="Frame">The frame (from 1).</param>
/// <param name="Id">The object's track ID in <c>gt.txt</c>.</param>
/// <param name="Cls">Its class.</param>
/// <param name="X">Centre x in pixels.</param>
/// <param name="Y">Centre y in pixels.</param>
/// <param name="Radius">Circumradius in pixels.</param>
/// <param name="Pixels">Pixels of the whole shape, as if the frame were unbounded and nothing covered it.</param>
/// <param name="FramePixels">Its pixels inside the frame.</param>
/// <param name="VisiblePixels">Its pixels inside the frame and not under a shape in front.</param>
/// <param name="Box">Its <c>gt.txt</c> box, or null when it has no row there.</param>
public readonly record struct ShapeState(
    int Frame, int Id, int Cls, double X, double Y, double Radius, int Pixels, int FramePixels, int VisiblePixels, Rect? Box)
{
    /// <summary>Visible pixels as a fraction of the whole shape's (0 when it has none).</summary>
    public double Visibility => Pixels == 0 ? 0 : (double)VisiblePixels / Pixels;
}
