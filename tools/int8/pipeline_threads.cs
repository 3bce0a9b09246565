#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
#:property PublishAot=false
// CPU time per thread during one end-to-end detect pass (Linux /proc), to see where the pipeline's CPU goes.
//   dotnet run -c Release tools/int8/pipeline_threads.cs -- best.gyt data.yaml video.mp4
using GhostYolo.Benchmarks;
using GhostYolo.Engine;
using GhostYolo.Platform;
using static TorchSharp.torch;

string model = args[0], data = args[1], video = args[2];
GhostYoloRuntime.Configure();   // as the ghostyolo command does: tuned malloc, OpenCV on its calling threads
using var threads = GhostYoloRuntime.UseThreads(2);
var loaded = ModelLoader.Load(model, CPU, 4);
var p = new Predictor(loaded, new PredictOptions { Imgsz = 640, Conf = 0.25, Precision = GhostYolo.Nn.Precision.Int8, Batch = 1, Int8 = new Int8Options { Data = data } });
string dir = Directory.CreateTempSubdirectory("gy-th-").FullName;
DetectBenchmark.EndToEnd(model, p, video, dir, default);
Dictionary<int, (string Name, long Ticks, long Faults)> Snap()
{
    var d = new Dictionary<int, (string, long, long)>();
    foreach (var t in Directory.GetDirectories("/proc/self/task"))
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(t, "stat"));
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            d[int.Parse(Path.GetFileName(t))] = (File.ReadAllText(Path.Combine(t, "comm")).Trim(), long.Parse(rest[11]) + long.Parse(rest[12]), long.Parse(rest[7]));
        }
        catch (IOException) { }
    }
    return d;
}
var before = Snap();
var last = new Dictionary<int, (string Name, long Ticks, long Faults)>();
using var stop = new CancellationTokenSource();
var sampler = new Thread(() => { while (!stop.IsCancellationRequested) { foreach (var kv in Snap()) last[kv.Key] = kv.Value; Thread.Sleep(100); } });
sampler.Start();
var e = DetectBenchmark.EndToEnd(model, p, video, dir, default);
stop.Cancel(); sampler.Join();
foreach (var kv in Snap()) last[kv.Key] = kv.Value;
Console.WriteLine($"{e.Frames} frames, {e.Fps:F1} FPS; CPU ms per frame by thread (10 ms ticks):");
foreach (var g in last.Select(kv => (kv.Value.Name, Ms: (kv.Value.Ticks - (before.TryGetValue(kv.Key, out var b) ? b.Ticks : 0)) * 10.0 / e.Frames,
        Faults: (kv.Value.Faults - (before.TryGetValue(kv.Key, out var b2) ? b2.Faults : 0)) / (double)e.Frames))
    .GroupBy(t => t.Name).Select(g => (g.Key, Ms: g.Sum(t => t.Ms), Faults: g.Sum(t => t.Faults))).OrderByDescending(t => t.Ms))
    if (g.Ms > 0) Console.WriteLine($"  {g.Key,-20} {g.Ms,6:F2} ms  {g.Faults,8:F0} minor faults/frame");
