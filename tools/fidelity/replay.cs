#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
#:property PublishAot=false
// Swaps augmented batches between GhostYolo and yolov5 v7.0, to tell the training step from the augmentation.
//   train DUMP_DIR STEP_LOG key=value …: trains with GhostYolo's training step on batches dumped by yolov5_steps.py with $V5DUMP
//     (DIR/NNNNN.u8 images B x 3 x H x W RGB, DIR/NNNNN.f32 targets n x 6, DIR/shape.json). Everything but the batches is
//     GhostYolo's own run (model, optimizer, schedule, EMA, validation, checkpoints). Writes the per-batch JSON lines of
//     `ghostyolo train --step-log`.
//   dump DUMP_DIR key=value …: writes the batches GhostYolo's own run with these settings would train on, in the same format,
//     for yolov5_steps.py's $V5REPLAY.
//   dotnet run -c Release tools/fidelity/replay.cs -- train|dump DUMP_DIR [STEP_LOG] key=value …   (model=, data=, epochs=, recipe=, seed=, …)
// The dataset in data= must be the one the dump came from: its loader's batch count sets the batches per epoch, and it is validated on.
using System.Text.Json;
using GhostYolo.Platform;
using GhostYolo.Data;
using GhostYolo.Engine;
using static TorchSharp.torch;

if (args.Length < 3 || args[0] is not ("train" or "dump"))
{
    Console.Error.WriteLine("usage: dotnet run -c Release tools/fidelity/replay.cs -- train DUMP_DIR STEP_LOG key=value … | dump DUMP_DIR key=value …");
    return 2;
}
bool dump = args[0] == "dump";
string dir = args[1];
var options = OptionOverrides.Apply(new TrainOptions(), [.. args[(dump ? 2 : 3)..].Select(a => a.Split('=', 2)).Select(kv => new KeyValuePair<string, string>(kv[0], kv[1]))]);
if (options.Threads is int n) GhostYoloRuntime.Configure(new RuntimeSettings { Threads = n });
if (dump)
{
    Directory.CreateDirectory(dir);
    using var loader = Trainer.TrainLoader(options, TrainRecipe.Parse(options.Recipe), DatasetDefinition.Load(options.Data), options.Imgsz, options.Workers, null, default);
    int written = 0;
    for (int epoch = 0; epoch < options.Epochs; epoch++)
        foreach (var batch in loader.GetBatches(epoch))
            using (batch)
            {
                using var images = batch.Images.contiguous();
                File.WriteAllBytes(Path.Combine(dir, $"{written:D5}.u8"), images.bytes.ToArray());
                File.WriteAllBytes(Path.Combine(dir, $"{written:D5}.f32"), batch.Targets.contiguous().bytes.ToArray());
                if (written++ == 0)
                    File.WriteAllText(Path.Combine(dir, "shape.json"), $"{{\"batch\": {images.shape[0]}, \"height\": {images.shape[2]}, \"width\": {images.shape[3]}}}");
            }
    Console.WriteLine($"{written} batches of {options.Epochs} epochs in {dir}");
    return 0;
}
var shape = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "shape.json"))).RootElement;
int h = shape.GetProperty("height").GetInt32(), w = shape.GetProperty("width").GetInt32();

IEnumerable<Batch> Epoch(int epoch, int perEpoch, CancellationToken ct)
{
    for (int i = 0; i < perEpoch; i++)
    {
        ct.ThrowIfCancellationRequested();
        string stem = Path.Combine(dir, $"{epoch * perEpoch + i:D5}");
        var pixels = File.ReadAllBytes(stem + ".u8");
        var boxes = File.ReadAllBytes(stem + ".f32");
        int images = pixels.Length / (3 * h * w);
        var targets = new float[boxes.Length / 4];
        Buffer.BlockCopy(boxes, 0, targets, 0, boxes.Length);
        var items = Enumerable.Range(0, images).Select(k => new ImageInfo($"{stem}#{k}", (h, w), (h, w), null)).ToList();
        yield return new Batch(tensor(pixels, [images, 3, h, w], ScalarType.Byte), tensor(targets, [targets.Length / 6, 6]), items);
    }
}

using var log = new StepLog(args[2]);
var progress = new Progress(e =>
{
    switch (e)
    {
        case BatchEnded be:
            log.Write(be);
            break;
        case EpochEnded ee:
            Console.WriteLine($"epoch {ee.Epoch + 1}/{ee.Epochs}  loss {string.Join(" ", ee.TrainLoss.Select(x => x.ToString("F4")))}  " +
                (ee.Val is { } v ? $"mAP50 {v.Metrics.Map50:F3}  mAP50-95 {v.Metrics.Map:F3}" : "") + $"  {ee.Duration.TotalSeconds:F0} s");
            break;
        case TrainNote note:
            Console.WriteLine(note.Message);
            break;
        case TrainFinished f when f.Final is { } fv:
            Console.WriteLine($"final (best.gyt): mAP50 {fv.Metrics.Map50:F3}  mAP50-95 {fv.Metrics.Map:F3}  in {f.Elapsed.TotalMinutes:F1} min, {f.SaveDir}");
            break;
    }
});
var result = new Trainer(null, Epoch).Train(options, progress);
return result.Interrupted ? 130 : 0;

sealed class Progress(Action<TrainEvent> report) : IProgress<TrainEvent>
{
    public void Report(TrainEvent value) => report(value);
}
