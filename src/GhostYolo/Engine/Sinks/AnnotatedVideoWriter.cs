using OpenCvSharp;

namespace GhostYolo.Engine.Sinks;

/// <summary>
/// Writes annotated frames of one input video at a time to <c>{saveDir}/{stem}.mp4</c> (fourcc mp4v), at the input's
/// frame size and frame rate (ultralytics <c>save_predicted_images</c>: the writer is created on the first frame and
/// released when the next video starts or at the end). Release always runs (<see cref="Dispose"/>), so an interrupted
/// run leaves a playable file holding the frames written so far.
/// </summary>
internal sealed class AnnotatedVideoWriter(string saveDir) : IDisposable
{
    private VideoWriter? _writer;
    private string? _input;
    private readonly List<(string Path, int Frames)> _written = [];

    /// <summary>Videos written so far with their frame counts (the current one included).</summary>
    public IReadOnlyList<(string Path, int Frames)> Written => _written;

    /// <summary>Appends <paramref name="frame"/>; starts a new file when <paramref name="inputPath"/> changes.</summary>
    public void Write(string inputPath, Mat frame, double fps)
    {
        if (_writer is null || _input != inputPath)
        {
            Release();
            string stem = LabelFile.Sanitize(Path.GetFileNameWithoutExtension(inputPath));
            string path = Path.Combine(saveDir, stem + ".mp4");
            _writer = new VideoWriter(path, FourCC.FromString("mp4v"), fps > 0 ? fps : 30, new Size(frame.Cols, frame.Rows));
            if (!_writer.IsOpened())
            {
                _writer.Dispose();
                _writer = null;
                throw new IOException($"{path}: OpenCV cannot open a video writer (fourcc mp4v, {frame.Cols}x{frame.Rows} at {fps:F1} fps)");
            }
            _input = inputPath;
            _written.Add((path, 0));
        }
        _writer.Write(frame);
        _written[^1] = (_written[^1].Path, _written[^1].Frames + 1);
    }

    /// <summary>Finishes the current file (writes the container index), if any.</summary>
    public void Release()
    {
        if (_writer is null) return;
        _writer.Release();
        _writer.Dispose();
        _writer = null;
        _input = null;
    }

    public void Dispose() => Release();
}
