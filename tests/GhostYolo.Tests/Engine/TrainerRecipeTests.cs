using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Nn.Modules;
using GhostYolo.Tests.Data;
using GhostYolo.Weights;

namespace GhostYolo.Tests.Engine;

/// <summary>Short runs of an anchor-based model with recipe=yolov5: the recipe line, AutoAnchor replacing poor anchors in the
/// checkpoint, noautoanchor keeping them, and the resolved settings in args.yaml. Alone (global-rng): the replay test compares
/// two runs' losses exactly, so no test beside it may draw from libtorch's generator or change the thread count in between.</summary>
[Collection("global-rng")]
public sealed class TrainerRecipeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ShapesResult _shapes;
    private readonly string _yaml;

    public TrainerRecipeTests()
    {
        _shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = _dir.File("shapes"), Train = 24, Val = 8, ImgSize = 96, Classes = 2, MaxShapes = 3, VideoFrames = 0 });
        // yolov5n with anchors far too large for 96 px images: BPR well below 0.98.
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cfg", "models", "v5", "yolov5.yaml"))
            .Replace("[10, 13, 16, 30, 33, 23]", "[300, 310, 320, 330, 340, 350]")
            .Replace("[30, 61, 62, 45, 59, 119]", "[360, 370, 380, 390, 400, 410]")
            .Replace("[116, 90, 156, 198, 373, 326]", "[420, 430, 440, 450, 460, 470]");
        Directory.CreateDirectory(_dir.File("models"));
        _yaml = _dir.File("models/yolov5n.yaml");
        File.WriteAllText(_yaml, text);
    }

    private (TrainFinished Result, List<TrainEvent> Events) Train(string name, bool noAutoanchor, string? weights = null)
    {
        var events = new List<TrainEvent>();
        var o = new TrainOptions
        {
            Model = _yaml, Data = _shapes.DataYaml, Epochs = 1, Imgsz = 96, Batch = 8, Workers = 1, Recipe = "yolov5", Noautoanchor = noAutoanchor, Weights = weights,
            Plots = false, Project = _dir.File("runs"), Name = name,
        };
        return (new Trainer().Train(o, new SyncProgressRecorder<TrainEvent>(events)), events);
    }

    private static float[] Anchors(string checkpoint)
    {
        using var ckpt = Checkpoint.Load(checkpoint);
        using var model = ckpt.BuildModel();
        return [.. ((DetectV5)model.Head!).PixelAnchors().SelectMany(a => a)];
    }

    [Fact]
    public void AutoAnchorReplacesPoorAnchorsInTheCheckpointAndNoautoanchorKeepsTheYamlOnes()
    {
        var (run, events) = Train("aa", noAutoanchor: false);
        var notes = events.OfType<TrainNote>().Select(n => n.Message).ToList();
        Assert.Contains(notes, n => n.StartsWith("recipe: yolov5 (yolov5 v7.0 train.py, hyp.scratch-low defaults): optimizer=SGD"));
        Assert.Contains(notes, n => n.Contains("Anchors are a poor fit to dataset"));
        Assert.Contains(notes, n => n.StartsWith("AutoAnchor: Done ✅"));
        var evolved = Anchors(run.Last!);
        Assert.True(evolved.Max() < 200, $"anchors should fit 96 px images: {string.Join(", ", evolved)}");
        // Level 0 holds the smallest anchors (stride order).
        Assert.True(evolved[0] * evolved[1] < evolved[^2] * evolved[^1]);
        var args = File.ReadAllText(Path.Combine(run.SaveDir, "args.yaml"));
        foreach (var line in new[] { "recipe: yolov5", "optimizer: SGD", "close_mosaic: 0", "iou: 0.6", "box: 0.05", "anchor_t: 4" })
            Assert.Contains(line, args);
        var first = events.OfType<BatchEnded>().First();
        Assert.Equal([0.1, 0.0, 0.0], first.Lr!);
        Assert.Equal(0.8, first.Momentum![0]);

        // Fine-tuning from those weights with the YAML: as yolov5 (exclude = ['anchor'] with --cfg), the anchors come from the YAML,
        // and noautoanchor keeps them.
        var (kept, keptEvents) = Train("noaa", noAutoanchor: true, weights: run.Last);
        Assert.Contains(keptEvents.OfType<TrainNote>(), n => n.Message.Contains("AutoAnchor: skipped"));
        Assert.Equal(300f, Anchors(kept.Last!)[0], 1);
    }

    [Fact]
    public void ReplayedBatchesDriveTheTrainingStep()
    {
        // The seam tools/fidelity/replay.cs uses: the run's own loader's batches, replayed, train exactly as the plain run; other
        // batches (the same ones flipped left-right, boxes mirrored) give other losses.
        var o = new TrainOptions
        {
            Model = _yaml, Data = _shapes.DataYaml, Epochs = 1, Imgsz = 96, Batch = 8, Workers = 1, Recipe = "yolov5", Noautoanchor = true,
            Plots = false, Val = false, Project = _dir.File("runs"), Name = "plain",
        };
        double[] Losses(TrainOptions options, Func<int, int, CancellationToken, IEnumerable<Batch>>? replay)
        {
            var events = new List<TrainEvent>();
            var trainer = replay is null ? new Trainer() : new Trainer(null, replay);
            trainer.Train(options, new SyncProgressRecorder<TrainEvent>(events));
            return [.. events.OfType<BatchEnded>().SelectMany(b => b.Loss)];
        }
        IEnumerable<Batch> Own(int epoch, CancellationToken ct, bool flip)
        {
            using var loader = Trainer.TrainLoader(o, RecipeKind.Yolov5, DatasetDefinition.Load(o.Data), o.Imgsz, o.Workers, null, ct);
            foreach (var b in loader.GetBatches(epoch, ct))
            {
                if (!flip) { yield return b; continue; }
                using (b)
                {
                    var targets = b.Targets.clone();
                    targets[TorchSharp.torch.TensorIndex.Colon, 2] = 1 - targets[TorchSharp.torch.TensorIndex.Colon, 2];
                    yield return new Batch(b.Images.flip(3).contiguous(), targets, b.Items);
                }
            }
        }
        var plain = Losses(o, null);
        var replayed = Losses(o with { Name = "replayed" }, (e, _, ct) => Own(e, ct, flip: false));
        var flipped = Losses(o with { Name = "flipped" }, (e, _, ct) => Own(e, ct, flip: true));
        Assert.Equal(9, plain.Length);   // 3 batches × box, obj, cls
        Assert.Equal(plain, replayed);
        Assert.NotEqual(plain[^3..], flipped[^3..]);
    }

    public void Dispose() => _dir.Dispose();
}
