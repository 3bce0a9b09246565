using GhostYolo.Engine;

// Usage: GhostYolo.Samples.Console MODEL SOURCE
//   MODEL: best.gyt, an ultralytics or yolov5 .pt, a .safetensors or an .onnx file; SOURCE: a video, image, folder or webcam (0).
string model = args[0], source = args[1];

// The predictor owns the network's native memory: dispose it (here by `using`) when done.
using var predictor = Predictor.Load(model, new PredictOptions { Conf = 0.25 }, imgszFromModel: true);
foreach (var frame in predictor.Predict(source)) // frames stream in as they are decoded
{
    foreach (var d in frame.Detections)
        Console.WriteLine($"frame {frame.FrameIndex + 1}: {predictor.Names[d.Class]} {d.Score:F2} " +
                          $"at ({d.X1:F0}, {d.Y1:F0})-({d.X2:F0}, {d.Y2:F0})");
}
