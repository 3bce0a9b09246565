#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
#:property PublishAot=false
// Where an int8 forward pass spends its time, by operator type, from ONNX Runtime's own profiler. Uses the calibration
// cached beside the checkpoint (calibrates first when there is none).
//   dotnet run -c Release tools/int8/profile_ops.cs -- best.gyt data.yaml [imgsz] [threads] [runs]   (default 640 2 30)
using System.Text.Json;
using GhostYolo.Engine;
using GhostYolo.Onnx;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

string modelPath = args[0], data = args[1];
int imgsz = args.Length > 2 ? int.Parse(args[2]) : 640, threads = args.Length > 3 ? int.Parse(args[3]) : 2, runs = args.Length > 4 ? int.Parse(args[4]) : 30;
set_num_threads(threads);
var loaded = ModelLoader.Load(modelPath);
var report = Int8Calibration.Prepare(loaded, new Int8Options { Data = data });
Console.WriteLine($"float convolutions: [{string.Join(", ", report.Plan.FloatConvs)}]");
var qdq = OnnxExporter.Export(loaded.Model, 1, imgsz, imgsz, report.Plan);
var prefix = Path.Combine(Path.GetTempPath(), "ghostyolo-int8-profile");
string profile;
using (var session = OrtRun.Session(qdq, threads, int8: true, o => { o.EnableProfiling = true; o.ProfileOutputPathPrefix = prefix; }))
{
    using var input = randint(0, 256, [1, 3, imgsz, imgsz], dtype: ScalarType.Byte);
    using var runOptions = new RunOptions();
    for (int i = 0; i < runs; i++)
        OrtRun.FirstOutput(session, runOptions, OnnxExporter.InputName, input, TensorElementType.UInt8).Dispose();
    profile = session.EndProfiling();
}
var byOp = new Dictionary<string, (double Us, int Count)>();
foreach (var e in JsonDocument.Parse(File.ReadAllText(profile)).RootElement.EnumerateArray())
{
    if (e.GetProperty("cat").GetString() != "Node" || !e.GetProperty("name").GetString()!.EndsWith("_kernel_time")) continue;
    var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
    var (us, n) = byOp.GetValueOrDefault(op);
    byOp[op] = (us + e.GetProperty("dur").GetDouble(), n + 1);
}
File.Delete(profile);
double total = byOp.Values.Sum(v => v.Us) / runs / 1000;
Console.WriteLine($"{modelPath} at {imgsz}, {threads} thread(s): {total:F1} ms of kernels per pass (mean of {runs})");
foreach (var (op, (us, n)) in byOp.OrderByDescending(kv => kv.Value.Us))
    Console.WriteLine($"  {op,-28} {us / runs / 1000,7:F2} ms  {n / runs,4} nodes");
