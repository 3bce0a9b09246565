using OpenCvSharp;

namespace GhostYolo.Engine.Sinks;

/// <summary>
/// Shows annotated frames in an OpenCV window (ultralytics <c>show</c>), one window per input, when a display exists.
/// All calls come from the writer thread, which owns the windows (HighGUI wants one thread).
/// </summary>
internal sealed class DisplayWindow : IDisposable
{
    private readonly HashSet<string> _windows = [];

    /// <summary>True when a window can be opened: on Linux/BSD an X11 or Wayland display must be set.</summary>
    public static bool DisplayAvailable =>
        !(OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    /// <summary>Why frames cannot be shown here, or null when they can.</summary>
    public static string? UnavailableReason => DisplayAvailable ? null
        : "--show: no display is available here ($DISPLAY and $WAYLAND_DISPLAY are not set), so no window will open; results are still saved";

    /// <summary>Shows <paramref name="frame"/> in the window named <paramref name="name"/> and pumps events (1 ms).</summary>
    public void Show(string name, Mat frame)
    {
        if (_windows.Add(name)) Cv2.NamedWindow(name, WindowFlags.Normal | WindowFlags.KeepRatio);
        Cv2.ImShow(name, frame);
        Cv2.WaitKey(1);
    }

    public void Dispose()
    {
        if (_windows.Count > 0) Cv2.DestroyAllWindows();
        _windows.Clear();
    }
}
