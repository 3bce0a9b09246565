#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
#:property PublishAot=false
// A/B of OpenCV's thread pool beside the detect pipeline, in one process: every round runs forward-only and end to end
// with OpenCV on its calling threads and with OpenCV's default pool, in alternating order.
//   dotnet run -c Release tools/int8/pipeline_ab.cs -- best.gyt data.yaml video.mp4 [rounds] [threads]
using System.Diagnostics;
using GhostYolo.Benchmarks;
using GhostYolo.Engine;
using GhostYolo.Platform;
using OpenCvSharp;
using static TorchSharp.torch;

string model = args[0], data = args[1], video = args[2];
int rounds = args.Length > 3 ? int.Parse(args[3]) : 10, nThreads = args.Length > 4 ? int.Parse(args[4]) : 2;
GhostYoloRuntime.Configure();
using var threads = GhostYoloRuntime.UseThreads(nThreads);
var p = new Predictor(ModelLoader.Load(model, CPU, 4), new PredictOptions { Imgsz = 640, Conf = 0.25, Precision = GhostYolo.Nn.Precision.Int8, Batch = 1, Int8 = new Int8Options { Data = data } });
var configs = new (string Name, int CvThreads)[] { ("opencv 1 thread", 1), ("opencv default", -1) };
string dir = Directory.CreateTempSubdirectory("gy-ab-").FullName;
var res = configs.ToDictionary(c => c.Name, _ => (F: new List<double>(), E: new List<double>(), R: new List<double>()));
DetectBenchmark.EndToEnd(model, p, video, dir, default);
using var x = randint(0, 256, [1, 3, 480, 640], dtype: ScalarType.Byte);
for (int r = 0; r < rounds; r++)
{
    for (int k = 0; k < configs.Length; k++)
    {
        var c = configs[(k + r) % configs.Length];
        Cv2.SetNumThreads(c.CvThreads);
        var e = DetectBenchmark.EndToEnd(model, p, video, dir, default);
        double f;
        using (var mode = inference_mode())
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < e.Frames; i++) { using var s = NewDisposeScope(); p.Runner.Run(x); }
            f = e.Frames / sw.Elapsed.TotalSeconds;
        }
        res[c.Name].F.Add(f); res[c.Name].E.Add(e.Fps); res[c.Name].R.Add(e.Fps / f);
    }
}
Console.WriteLine($"int8, {nThreads} threads, {rounds} rounds of {video}");
Console.WriteLine($"{"config",-18} {"forward FPS",11} {"e2e FPS",8} {"ratio",6}  per-round ratios");
foreach (var c in configs)
{
    var (F, E, R) = res[c.Name];
    Console.WriteLine($"{c.Name,-18} {DetectBenchmark.Median(F),11:F1} {DetectBenchmark.Median(E),8:F1} {DetectBenchmark.Median(R) * 100,5:F0}%  {string.Join(" ", R.Select(v => (v * 100).ToString("F0")))}");
}
