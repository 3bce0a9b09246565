namespace GhostYolo.Data;

/// <summary>Options for <see cref="ShapesDataset.Generate"/>.</summary>
public sealed record ShapesOptions
{
    /// <summary>Folder the dataset is written to (<c>images/</c>, <c>labels/</c>, <c>data.yaml</c>, …).</summary>
    public string OutDir { get; init; } = "datasets/shapes";
    /// <summary>Training images.</summary>
    public int Train { get; init; } = 800;
    /// <summary>Validation images.</summary>
    public int Val { get; init; } = 200;
    /// <summary>Long side of the generated images.</summary>
    public int ImgSize { get; init; } = 320;
    /// <summary>Number of shape classes (circle, square, triangle, … in that order).</summary>
    public int Classes { get; init; } = 4;
    /// <summary>Seed: the same options and seed write the same files.</summary>
    public int Seed { get; init; }
    /// <summary>Also write <c>video.mp4</c> with moving shapes and <c>video_labels.txt</c>.</summary>
    public bool Video { get; init; } = true;
    /// <summary>Frames of <c>video.mp4</c>.</summary>
    public int VideoFrames { get; init; } = 60;
    /// <summary>Frame rate of <c>video.mp4</c>.</summary>
    public int VideoFps { get; init; } = 20;
    /// <summary>Maximum shapes per image (0 shapes happen too: background images).</summary>
    public int MaxShapes { get; init; } = 8;
    /// <summary>
    /// Smallest shape diameter in pixels (sizes are log-uniform from this to half the image). 16 px is two P3 cells:
    /// below it, training's mosaic and scale augmentation shrink shapes to a few pixels whose class is unreadable.
    /// </summary>
    public int MinSize { get; init; } = 16;
    /// <summary>
    /// Length of the tracking sequence written to <c>track/</c> beside <c>data.yaml</c> (<see cref="ShapesSequence"/>:
    /// MOTChallenge layout, <c>track/video.mp4</c>, <c>track/gt/gt.txt</c>, <c>track/seqinfo.ini</c>); 0 skips it. Its
    /// frames are 4:3 like <c>video.mp4</c>'s (320×240 at the default size) with the dataset's classes and smallest size.
    /// </summary>
    public int TrackFrames { get; init; } = 300;
    /// <summary>Frame rate of the tracking sequence.</summary>
    public int TrackFps { get; init; } = 30;
    /// <summary>Also write the tracking sequence's frames as <c>track/img1/000001.jpg</c> ….</summary>
    public bool TrackImages { get; init; }
}

/// <summary>What <see cref="ShapesDataset.Generate"/> wrote; <paramref name="Track"/> is the tracking sequence, if written.</summary>
/// <param name="DataYaml">The written <c>data.yaml</c> (pass it as a dataset).</param>
/// <param name="TrainImages">Training images written.</param>
/// <param name="ValImages">Validation images written.</param>
/// <param name="Instances">Labelled shapes over both splits.</param>
/// <param name="VideoPath"><c>video.mp4</c>, or null when no video was asked for.</param>
/// <param name="VideoFrames">Frames of the video (0 without one).</param>
/// <param name="Names">The class names.</param>
public sealed record ShapesResult(
    string DataYaml, int TrainImages, int ValImages, int Instances, string? VideoPath, int VideoFrames, IReadOnlyList<string> Names,
    SequenceResult? Track = null);
