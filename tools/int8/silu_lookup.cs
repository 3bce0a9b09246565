#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
#:property PublishAot=false
// Times one int8 forward pass with ONNX Runtime's own two-pass SiLU (QLinearSigmoid + QLinearMul) against the same graph
// with each SiLU as one table lookup (GhostYolo's int8 engine), and ONNX Runtime fp32, in one process, runs interleaved
// round by round so the machine's noise falls on all three alike.
//   dotnet run -c Release tools/int8/silu_lookup.cs -- [model.yaml|.gyt] [imgsz] [threads] [rounds]   (default yolov8n.yaml 640 2 15)
using System.Diagnostics;
using GhostYolo.Engine;
using GhostYolo.Nn;
using GhostYolo.Onnx;
using GhostYolo.Onnx.Quantization;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

string modelPath = args.Length > 0 ? args[0] : "yolov8n.yaml";
int imgsz = args.Length > 1 ? int.Parse(args[1]) : 640, threads = args.Length > 2 ? int.Parse(args[2]) : 2, rounds = args.Length > 3 ? int.Parse(args[3]) : 15;
set_num_threads(threads);
manual_seed(0);
using var model = ModelLoader.Load(modelPath, nc: 4).Model;
model.PrepareForInference();

// Smooth random images (blurred noise) calibrate and feed the graph: the timing does not depend on the values.
var g = new Generator(1);
Tensor Image()
{
    using var small = rand([1, 3, imgsz / 16, imgsz / 16], generator: g);
    using var big = nn.functional.interpolate(small, [imgsz, imgsz], mode: InterpolationMode.Bilinear, align_corners: false);
    return big.mul(255).to(ScalarType.Byte).contiguous();
}
var calibration = Enumerable.Range(0, 8).Select(_ => Image()).ToList();
var plan = new QuantizationPlan(CalibrationMethod.MinMax, ActivationCalibrator.Calibrate(model, calibration, threads)[CalibrationMethod.MinMax], []);
var qdq = OnnxExporter.Export(model, 1, imgsz, imgsz, plan);
var fp32 = OnnxExporter.Export(model, 1, imgsz, imgsz, null);

// ONNX Runtime's own optimized int8 graph, loaded as it is (optimization off, no rewrite).
InferenceSession TwoPass()
{
    using var o = OrtRun.Options(threads);
    o.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
    return new InferenceSession(OrtRun.Optimize(qdq, threads), o);
}
var sessions = new (string Name, InferenceSession Session)[]
{
    ("ONNX Runtime fp32", OrtRun.Session(fp32, threads, int8: false)),
    ("int8, two-pass SiLU (ONNX Runtime's graph)", TwoPass()),
    ("int8, SiLU as lookup (GhostYolo)", OrtRun.Session(qdq, threads, int8: true)),
};
using var input = Image();
using var runOptions = new RunOptions();
var times = sessions.Select(_ => new List<double>()).ToArray();
for (int r = -2; r < rounds; r++)
    for (int s = 0; s < sessions.Length; s++)
        for (int k = 0; k < 3; k++)
        {
            var sw = Stopwatch.StartNew();
            OrtRun.FirstOutput(sessions[s].Session, runOptions, OnnxExporter.InputName, input, TensorElementType.UInt8).Dispose();
            if (r >= 0) times[s].Add(sw.Elapsed.TotalMilliseconds);
        }
double Median(List<double> t) { var o = t.Order().ToList(); return o[o.Count / 2]; }
Console.WriteLine($"{modelPath} at {imgsz}, batch 1, {threads} thread(s), median of {rounds * 3} interleaved runs");
for (int s = 0; s < sessions.Length; s++)
    Console.WriteLine($"  {sessions[s].Name,-45} {Median(times[s]),7:F1} ms   {Median(times[0]) / Median(times[s]),5:F2}x fp32");
