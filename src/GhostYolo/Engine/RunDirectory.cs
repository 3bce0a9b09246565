namespace GhostYolo.Engine;

/// <summary>Creates ultralytics-style run folders: <c>runs/detect/train</c>, <c>train2</c>, <c>train3</c> …</summary>
internal static class RunDirectory
{
    public static string Create(string project, string name, bool existOk = false)
    {
        var path = Path.Combine(project, name);
        if (!existOk)
            for (int n = 2; Directory.Exists(path); n++) path = Path.Combine(project, name + n);
        Directory.CreateDirectory(path);
        return path;
    }
}
