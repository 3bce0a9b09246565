#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
#:property PublishAot=false
// Feeds the random draws yolov5 v7.0's loader made for each sample (recorded by v5_aug_params.py) through GhostYolo's
// recipe=yolov5 transforms, and compares the two outputs pixel by pixel and box by box. Same draws, same source images:
// any difference is in the augmentation code or in OpenCV.
//   dotnet run -c Release tools/fidelity/aug_replay.cs -- DIR DATA.yaml
using System.Text.Json;
using GhostYolo.Data;
using GhostYolo.Engine;

string dir = args[0];
var options = OptionOverrides.Apply(new TrainOptions(), [new("data", args[1]), new("recipe", "yolov5"), new("imgsz", "320"), new("workers", "0")]);
using var loader = Trainer.TrainLoader(options, TrainRecipe.Parse(options.Recipe), DatasetDefinition.Load(options.Data), options.Imgsz, 0, null, default);
var dataset = loader.Dataset;
var byName = dataset.Images.Select((im, i) => (Path.GetFileName(im.ImagePath), i)).ToDictionary(t => t.Item1, t => t.i);
var shape = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "shape.json"))).RootElement;
int samples = shape.GetProperty("samples").GetInt32();

long pixels = 0, differing = 0, total = 0;
int maxDiff = 0, boxMismatch = 0, identicalImages = 0;
double maxBox = 0;
for (int k = 0; k < samples; k++)
{
    string stem = Path.Combine(dir, $"{k:D5}");
    var record = JsonDocument.Parse(File.ReadAllText(stem + ".json")).RootElement;
    var (index, rng) = RecordedDraws.Replay(record, byName);
    var item = dataset.GetItem(index, rng);
    rng.CheckUsedUp();

    var v5 = File.ReadAllBytes(stem + ".u8");
    int diffs = 0, sampleMax = 0;
    for (int i = 0; i < v5.Length; i++)
    {
        int d = Math.Abs(v5[i] - item.Chw[i]);
        if (d > 1) diffs++;
        sampleMax = Math.Max(sampleMax, d);
    }
    if (v5.Length != item.Chw.Length) throw new InvalidDataException($"sample {k}: {v5.Length} bytes from yolov5, {item.Chw.Length} from GhostYolo");
    if (sampleMax == 0) identicalImages++;
    pixels += v5.Length; differing += diffs; maxDiff = Math.Max(maxDiff, sampleMax);

    var raw = File.ReadAllBytes(stem + ".f32");
    var v5Labels = new float[raw.Length / 4];
    Buffer.BlockCopy(raw, 0, v5Labels, 0, raw.Length);
    int n5 = v5Labels.Length / 6, ng = item.Labels.Length / 5;
    double sampleBox = 0;
    if (n5 != ng) boxMismatch++;
    else
        for (int b = 0; b < n5; b++)
            for (int c = 0; c < 5; c++) sampleBox = Math.Max(sampleBox, Math.Abs(v5Labels[6 * b + 1 + c] - item.Labels[5 * b + c]));
    maxBox = Math.Max(maxBox, sampleBox);
    total += n5;
    Console.WriteLine($"sample {k,3} ({record.GetProperty("image").GetString()}): boxes {n5} / {ng}, max box diff {sampleBox:E1}, pixels off by >1: {diffs} of {v5.Length}, max pixel diff {sampleMax}");
}
Console.WriteLine($"{samples} samples, {total} yolov5 boxes: {boxMismatch} samples with another box count, max box coordinate diff {maxBox:E2} (normalised); " +
    $"{identicalImages} images identical, {differing} of {pixels} bytes ({100.0 * differing / pixels:F4} %) off by more than 1, max {maxDiff}");
