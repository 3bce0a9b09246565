using GhostYolo.Engine;
using GhostYolo.Metrics;
using GhostYolo.Nn;
using GhostYolo.Onnx;
using GhostYolo.Tests.Data;
using GhostYolo.Weights;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Weights;

/// <summary><c>ghostyolo export</c>: every model YAML leaves as ONNX, safetensors and a PyTorch state dict, and comes back exactly.</summary>
public class ExporterTests
{
    public static TheoryData<string> DetectionYamls()
    {
        var data = new TheoryData<string>();
        var root = Path.Combine(AppContext.BaseDirectory, "cfg", "models");
        foreach (var dir in new[] { "v8", "v5" })
            foreach (var f in Directory.GetFiles(Path.Combine(root, dir), "*.yaml").Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(f).Replace("yolov8", "yolov8n").Replace("yolov5", "yolov5n"));
        return data;
    }

    private static readonly string[] Names = ["circle", "square", "triangle"];

    [Theory]
    [MemberData(nameof(DetectionYamls))]
    public void Every_detection_yaml_exports_to_safetensors_torch_and_onnx_that_come_back_exactly(string yaml)
    {
        using var dir = new TempDir();
        var st = Exporter.Run(new ExportOptions { Model = yaml, Format = ExportFormat.Safetensors, ImgSz = 64, Names = Names, Output = dir.File("m.safetensors") });
        // A safetensors export carries its YAML, names and size: it loads on its own, and its ONNX equals libtorch.
        var loaded = ModelLoader.Load(st.Path, CPU);
        Assert.Equal(Names, loaded.Names);
        Assert.Equal(64, loaded.ImgSz);
        var onnxPath = Exporter.Run(new ExportOptions { Model = st.Path, Format = ExportFormat.Onnx, Output = dir.File("m.onnx") }).Path;
        var torchPath = Exporter.Run(new ExportOptions { Model = st.Path, Format = ExportFormat.Torch, Output = dir.File("m.pt") }).Path;

        using var model = loaded.Model;
        var expected = model.state_dict();
        var fromSafetensors = SafetensorsFile.Read(st.Path);
        var fromTorch = TorchCheckpoint.ReadWeights(torchPath);
        int batchNorms = expected.Keys.Count(k => k.EndsWith(".running_var", StringComparison.Ordinal));
        foreach (var (name, t) in expected)
        {
            Assert.True(t.allclose(fromSafetensors[name], 0, 0), $"{yaml}: safetensors {name} differs");
            Assert.True(t.allclose(fromTorch[name], 0, 0), $"{yaml}: torch {name} differs");
        }
        // PyTorch's BatchNorm2d keeps a batch counter; both exports add one per BatchNorm so load_state_dict(strict) fits.
        Assert.Equal(expected.Count + batchNorms, fromSafetensors.Count);
        Assert.Equal(expected.Count + batchNorms, fromTorch.Count);

        model.eval();
        model.Fuse();
        using var file = new OnnxModelFile(onnxPath, 1);
        manual_seed(5);
        using var images = randint(0, 256, [1, 3, 64, 64], dtype: ScalarType.Byte);
        using var fromOnnx = file.Run(images);
        using var _ = no_grad();
        using var fromTorchModel = model.call(model.PrepareInput(images));
        double relative = (fromOnnx - fromTorchModel).abs().max().item<float>() / fromTorchModel.abs().max().item<float>();
        Assert.True(relative < 1e-4, $"{yaml}: ONNX differs from libtorch by {relative} of the output range");
    }

    [Fact]
    public void Half_safetensors_store_fp16_and_load_back_within_fp16_rounding()
    {
        using var dir = new TempDir();
        var path = Exporter.Run(new ExportOptions { Model = WeightFixtures.File("ul-v8-tiny.pt"), Format = ExportFormat.Safetensors, Half = true, Output = dir.File("h.safetensors") }).Path;
        var tensors = SafetensorsFile.Read(path);
        Assert.Equal(ScalarType.Float16, tensors["model.0.conv.weight"].dtype);
        // ul-v8-tiny.pt holds fp16 weights already: fp16 export is exact, and the outputs are ultralytics' own.
        using var a = ModelLoader.Load(path, CPU).Model;
        using var b = ModelLoader.Load(WeightFixtures.File("ul-v8-tiny.pt"), CPU).Model;
        foreach (var (name, t) in a.state_dict()) Assert.True(t.allclose(b.state_dict()[name], 0, 0), name);
    }

    [Fact]
    public void Onnx_export_has_ultralytics_layout_and_metadata()
    {
        using var dir = new TempDir();
        var r = Exporter.Run(new ExportOptions { Model = WeightFixtures.File("ul-v8-tiny.pt"), Format = ExportFormat.Onnx, Output = dir.File("x.onnx") });
        Assert.Equal(64, r.ImgSz);   // the checkpoint's training size
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(r.Path);
        Assert.Equal(["images"], session.InputMetadata.Keys);
        Assert.Equal([1, 3, 64, 64], session.InputMetadata["images"].Dimensions);
        Assert.Equal([OnnxExporter.OutputName], session.OutputMetadata.Keys);
        Assert.Equal([1, 7, 84], session.OutputMetadata[OnnxExporter.OutputName].Dimensions);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("{0: 'circle', 1: 'square', 2: 'triangle'}", meta["names"]);
        Assert.Equal("32", meta["stride"]);
        Assert.Equal("[64, 64]", meta["imgsz"]);
        Assert.Equal("detect", meta["task"]);
        Assert.Equal("1", meta["batch"]);
    }

    [Fact]
    public void Dynamic_batch_onnx_takes_any_batch()
    {
        using var dir = new TempDir();
        var r = Exporter.Run(new ExportOptions { Model = WeightFixtures.File("v5-tiny.pt"), Format = ExportFormat.Onnx, Dynamic = true, Output = dir.File("d.onnx") });
        using var file = new OnnxModelFile(r.Path, 1);
        Assert.Null(file.FixedBatch);
        using var images = zeros([3, 3, 64, 64], ScalarType.Byte);
        using var y = file.Run(images);
        Assert.Equal([3L, 252, 8], y.shape);
    }

    [Fact]
    public void Ultralytics_onnx_export_runs_with_its_metadata_and_reproduces_its_output()
    {
        using var file = new OnnxModelFile(WeightFixtures.File("ul-v8-tiny.onnx"), 1);
        Assert.Equal(["circle", "square", "triangle"], file.Names);
        Assert.Equal(32, file.Stride);
        Assert.Equal(64, file.ImgSz);
        Assert.Equal(GhostYolo.Nn.Modules.HeadKind.AnchorFree, file.Head);
        // The fixture input is float in [0, 1]; feed the same values through the float graph directly.
        using var input = WeightFixtures.Floats("ul-v8-tiny.input.bin", [1, 3, 64, 64]);
        using var expected = WeightFixtures.Floats("ul-v8-tiny.onnx.output.bin", [1, 7, 84]);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(WeightFixtures.File("ul-v8-tiny.onnx"));
        using var value = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), [1, 3, 64, 64]);
        using var outputs = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), ["images"], [value], ["output0"]);
        var got = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var want = expected.data<float>().ToArray();
        double maxDiff = got.Zip(want, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-3, $"ONNX Runtime differs from ultralytics' torch output by {maxDiff}");
    }

    [Fact]
    public void OpenCV_dnn_runs_the_exported_onnx_to_the_same_detections_as_libtorch()
    {
        using var dir = new TempDir();
        var path = Exporter.Run(new ExportOptions { Model = WeightFixtures.File("ul-v8-tiny.pt"), Format = ExportFormat.Onnx, Output = dir.File("cv.onnx") }).Path;
        using var input = WeightFixtures.Floats("ul-v8-tiny.input.bin", [1, 3, 64, 64]);
        using var net = CvDnn.ReadNetFromOnnx(path) ?? throw new InvalidOperationException("OpenCV could not read the file");
        using var blob = Mat.FromPixelData([1, 3, 64, 64], MatType.CV_32F, input.data<float>().ToArray());
        net.SetInput(blob, "images");
        using var cvOut = net.Forward(OnnxExporter.OutputName);
        Assert.Equal(3, cvOut.Dims);
        var cv = new float[1 * 7 * 84];
        System.Runtime.InteropServices.Marshal.Copy(cvOut.Data, cv, 0, cv.Length);
        using var fromCv = tensor(cv).reshape(1, 7, 84);

        using var model = ModelLoader.Load(WeightFixtures.File("ul-v8-tiny.pt"), CPU).Model;
        model.eval();
        model.Fuse();
        using var _ = no_grad();
        using var fromTorch = model.call(input);
        using var boxes = (fromCv.narrow(1, 0, 4) - fromTorch.narrow(1, 0, 4)).abs().max();
        using var scores = (fromCv.narrow(1, 4, 3) - fromTorch.narrow(1, 4, 3)).abs().max();
        Assert.True(boxes.item<float>() < 0.01, $"boxes differ by {boxes.item<float>()} px");
        Assert.True(scores.item<float>() < 1e-4, $"scores differ by {scores.item<float>()}");

        var nms = new NmsOptions(Conf: 0.001, Iou: 0.7);
        var a = Nms.NonMaxSuppression(fromCv, nms)[0];
        var b = Nms.NonMaxSuppression(fromTorch, nms)[0];
        Assert.True(b.shape[0] > 0, "the fixture model should detect something at conf 0.001");
        Assert.Equal(b.shape, a.shape);
        Assert.True((a - b).abs().max().item<float>() < 0.01);
    }
}
