using OpenCvSharp;

namespace GhostYolo.Tests.Data;

/// <summary>A temporary folder deleted at dispose, with helpers to write test images and labels.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ghostyolo-test-").FullName;

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a flat-colour image (BGR) of h×w and returns its path.</summary>
    public string Image(string relative, int h, int w, byte b = 50, byte g = 100, byte r = 150)
    {
        string p = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        using var m = new Mat(h, w, MatType.CV_8UC3, new Scalar(b, g, r));
        Cv2.ImWrite(p, m);
        return p;
    }

    public string Text(string relative, string content)
    {
        string p = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllText(p, content);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
