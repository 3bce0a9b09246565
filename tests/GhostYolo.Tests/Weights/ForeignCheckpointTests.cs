using System.IO.Compression;
using GhostYolo.Engine;
using GhostYolo.Nn.Modules;
using GhostYolo.Weights;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Weights;

/// <summary>Checkpoints written by ultralytics and yolov5 load into GhostYolo and reproduce the tools' own outputs.</summary>
public class ForeignCheckpointTests
{
    /// <summary>Largest |ours − theirs|, split into box coordinates (pixels) and scores.</summary>
    private static (double Boxes, double Scores) Difference(Tensor ours, Tensor theirs, HeadKind head)
    {
        Assert.Equal(theirs.shape, ours.shape);
        using var d = (ours - theirs).abs();
        // v8 (B, 4+nc, A): channels 0..3 are boxes; v5 (B, A, 5+nc): columns 0..3 are boxes.
        int dim = head == HeadKind.AnchorFree ? 1 : 2;
        using var boxes = d.narrow(dim, 0, 4);
        using var scores = d.narrow(dim, 4, d.shape[dim] - 4);
        return (boxes.max().item<float>(), scores.max().item<float>());
    }

    private static void AssertReproduces(LoadedModel loaded, string json)
    {
        using var model = loaded.Model;
        model.eval();
        foreach (var (input, expected) in WeightFixtures.Cases(json))
        {
            using var _ = no_grad();
            using var ours = model.call(input);
            var (boxes, scores) = Difference(ours, expected, model.Head!.Kind);
            Assert.True(boxes < 0.01, $"{json} {string.Join("x", input.shape)}: boxes differ by {boxes} px");
            Assert.True(scores < 1e-4, $"{json} {string.Join("x", input.shape)}: scores differ by {scores}");
            input.Dispose(); expected.Dispose();
        }
    }

    [Fact]
    public void Ultralytics_best_pt_loads_with_names_imgsz_and_reproduces_ultralytics_forward()
    {
        var loaded = ModelLoader.Load(WeightFixtures.File("ul-v8-tiny.pt"), CPU);
        Assert.Equal(["circle", "square", "triangle"], loaded.Names);
        Assert.Equal(64, loaded.ImgSz);
        Assert.Equal([8L, 16L, 32L], loaded.Model.Strides);
        Assert.Equal(HeadKind.AnchorFree, loaded.Model.Head!.Kind);
        AssertReproduces(loaded, "ul-v8-tiny.json");
    }

    [Fact]
    public void Yolov5_best_pt_loads_with_its_anchors_and_reproduces_yolov5_forward()
    {
        var loaded = ModelLoader.Load(WeightFixtures.File("v5-tiny.pt"), CPU);
        Assert.Equal(["circle", "square", "triangle"], loaded.Names);
        Assert.Equal(HeadKind.Anchors, loaded.Model.Head!.Kind);
        var expected = WeightFixtures.Json("v5-tiny.json").GetProperty("anchors_grid_units").EnumerateArray()
            .SelectMany(l => l.EnumerateArray().SelectMany(a => a.EnumerateArray().Select(v => v.GetSingle()))).ToArray();
        var anchors = ((DetectV5)loaded.Model.Head).AnchorsGrid.data<float>().ToArray();
        Assert.Equal(expected, anchors);
        AssertReproduces(loaded, "v5-tiny.json");
    }

    [Fact]
    public void State_dict_pt_with_the_yaml_reproduces_the_same_outputs()
    {
        var loaded = ModelLoader.Load(WeightFixtures.File("tiny-v8.yaml"), CPU, names: ["circle", "square", "triangle"],
            weights: WeightFixtures.File("ul-v8-tiny.state_dict.pt"));
        AssertReproduces(loaded, "ul-v8-tiny.json");
    }

    [Fact]
    public void Safetensors_with_the_yaml_reproduces_the_same_outputs()
    {
        var loaded = ModelLoader.Load(WeightFixtures.File("tiny-v8.yaml"), CPU, nc: 3,
            weights: WeightFixtures.File("ul-v8-tiny.safetensors"));
        AssertReproduces(loaded, "ul-v8-tiny.json");
    }

    [Fact]
    public void A_state_dict_that_does_not_fit_the_yaml_names_the_first_mismatching_tensor()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelLoader.Load("yolov8n.yaml", CPU, nc: 3,
            weights: WeightFixtures.File("ul-v8-tiny.state_dict.pt")));
        Assert.Contains("ul-v8-tiny.state_dict.pt", e.Message);
        Assert.Contains("'model.0.conv.weight'", e.Message);
        Assert.Contains("[8, 3, 3, 3]", e.Message);
    }

    [Fact]
    public void A_state_dict_given_as_model_says_to_add_the_yaml()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelLoader.Load(WeightFixtures.File("ul-v8-tiny.state_dict.pt"), CPU));
        Assert.Contains("--model yolov8n.yaml --weights", e.Message);
    }

    /// <remarks>The fixture was written with torch 1.13:
    /// <code>
    /// m = nn.Sequential(nn.Conv2d(3, 4, 1)); m.yaml = {..., "backbone": [[-1, 1, "Conv", [64, 3, 2]], [-1, 2, "C3k2", [256, False, 0.25]],
    ///     [-1, 1, "SPPF", [1024, 5]], [-1, 2, "C2PSA", [1024]]], "head": [[[0, 3], 1, "Detect", ["nc"]]]}; m.names = {0: "a", 1: "b"}
    /// torch.save({"model": m.half(), "epoch": -1}, "yolo11-standin.pt")
    /// </code></remarks>
    [Fact]
    public void A_checkpoint_with_modules_ghostyolo_lacks_names_them_and_their_layers()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelLoader.Load(WeightFixtures.File("yolo11-standin.pt"), CPU));
        Assert.Contains("yolo11-standin.pt", e.Message);
        Assert.Contains("C3k2, C2PSA", e.Message);
        Assert.Contains("layers 1, 3", e.Message);
    }

    /// <remarks>The fixture (torch 1.13, numpy 1.24):
    /// <code>
    /// ema = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)); opt = torch.optim.SGD(ema.parameters(), lr=0.01, momentum=0.9)
    /// ema(torch.rand(2, 3, 8, 8)).sum().backward(); opt.step()
    /// torch.save({"epoch": 3, "best_fitness": np.array([0.5]), "fitness": np.float64(0.25), "model": None, "ema": ema.half(),
    ///             "updates": 12, "optimizer": opt.state_dict(), "opt": {"imgsz": 96, "hyp": {"lr0": 0.01}}}, "last-standin.pt")
    /// </code></remarks>
    [Fact]
    public void A_mid_run_last_pt_gives_its_ema_weights_past_numpy_values_and_optimizer_state()
    {
        var weights = WeightsFile.ReadWeights(WeightFixtures.File("last-standin.pt"));
        Assert.Equal(["0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean", "1.running_var", "1.weight"], weights.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScalarType.Float16, weights["0.weight"].dtype);
        Assert.Equal([4L, 3, 1, 1], weights["0.weight"].shape);
        Assert.Equal(new[] { -0.004322052001953125, 0.309814453125, -0.47509765625, -0.4248046875 },
            weights["0.weight"].to(ScalarType.Float64).flatten()[..4].data<double>().ToArray());
        Assert.Equal(ScalarType.Int64, weights["1.num_batches_tracked"].dtype);
    }

    [Fact]
    public void Every_storage_kind_reads_back_with_its_dtype_shape_and_values()
    {
        var root = (System.Collections.IDictionary)TorchArchive.Read(WeightFixtures.File("storage-kinds.pt"));
        var entries = WeightFixtures.Json("storage-kinds.json").GetProperty("entries");
        int tensors = 0;
        foreach (var entry in entries.EnumerateObject())
        {
            if (entry.Value.GetProperty("type").GetString() != "tensor") continue;
            object? value = root;
            foreach (var part in entry.Name.Split('.')) value = ((System.Collections.IDictionary)value!)[part];
            var t = Assert.IsType<Tensor>(value);
            var dtype = entry.Value.GetProperty("dtype").GetString();
            Assert.Equal(dtype, t.dtype switch
            {
                ScalarType.Float16 => "float16", ScalarType.BFloat16 => "bfloat16", ScalarType.Float32 => "float32",
                ScalarType.Float64 => "float64", ScalarType.Int64 => "int64", ScalarType.Int32 => "int32", ScalarType.Int8 => "int8",
                ScalarType.Byte => "uint8", ScalarType.Bool => "bool", var other => other.ToString(),
            });
            Assert.Equal(WeightFixtures.Shape(entry.Value.GetProperty("shape")), t.shape);
            var expected = entry.Value.GetProperty("values").EnumerateArray()
                .Select(v => v.ValueKind switch { System.Text.Json.JsonValueKind.True => 1.0, System.Text.Json.JsonValueKind.False => 0.0, _ => v.GetDouble() }).ToArray();
            using var flat = t.to(ScalarType.Float64).reshape(-1).contiguous();
            Assert.Equal(expected, flat.data<double>().ToArray());
            tensors++;
        }
        Assert.True(tensors >= 15, $"only {tensors} tensors compared");
    }

    /// <summary>A torch.save-style zip whose pickle is <paramref name="pickle"/>.</summary>
    private static string TorchZip(string dir, string name, byte[] pickle)
    {
        var path = Path.Combine(dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle);
        using (var s = zip.CreateEntry("archive/version").Open()) s.Write("3\n"u8);
        return path;
    }

    [Fact]
    public void A_pickle_that_calls_os_system_is_refused_naming_the_global_and_the_file()
    {
        using var dir = new Data.TempDir();
        // protocol 2: os.system('touch PWNED') — what a malicious "checkpoint" does on torch.load(weights_only=False)
        byte[] pickle = [0x80, 2, .. "cos\nsystem\n"u8, (byte)'X', 11, 0, 0, 0, .. "touch PWNED"u8, 0x85, (byte)'R', (byte)'.'];
        var path = TorchZip(dir.Path, "evil.pt", pickle);
        var e = Assert.Throws<InvalidDataException>(() => ModelLoader.Load(path, CPU));
        Assert.Contains("os.system", e.Message);
        Assert.Contains("evil.pt", e.Message);
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "PWNED")));
    }

    [Fact]
    public void A_protocol_4_stack_global_outside_the_allow_list_is_refused()
    {
        using var dir = new Data.TempDir();
        // protocol 4: builtins.eval via STACK_GLOBAL with memoised strings
        var pickle = new List<byte> { 0x80, 4, 0x8c, 8 };
        pickle.AddRange("builtins"u8.ToArray()); pickle.Add(0x94);
        pickle.AddRange([0x8c, 4]); pickle.AddRange("eval"u8.ToArray()); pickle.Add(0x94);
        pickle.AddRange([0x93, 0x94, 0x8c, 1, (byte)'1', 0x85, (byte)'R', (byte)'.']);
        var path = TorchZip(dir.Path, "evil4.pt", pickle.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => TorchArchive.Read(path));
        Assert.Contains("builtins.eval", e.Message);
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_with_the_file_name()
    {
        using var dir = new Data.TempDir();
        var bytes = File.ReadAllBytes(WeightFixtures.File("ul-v8-tiny.pt"));
        var path = Path.Combine(dir.Path, "cut.pt");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => ModelLoader.Load(path, CPU));
        Assert.Contains("cut.pt", e.Message);
    }

    [Fact]
    public void A_missing_checkpoint_is_named_as_missing()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ModelLoader.Load("runs/detect/nowhere/weights/best.pt", CPU));
        Assert.Contains("model file 'runs/detect/nowhere/weights/best.pt' not found", e.Message);
    }

    [Fact]
    public void A_file_with_the_wrong_magic_is_refused()
    {
        using var dir = new Data.TempDir();
        var path = dir.Text("not-a-checkpoint.pt", "hello, I am text");
        var e = Assert.Throws<InvalidDataException>(() => ModelLoader.Load(path, CPU));
        Assert.Contains("not-a-checkpoint.pt", e.Message);
        Assert.Contains("not a PyTorch zip", e.Message);
    }
}
