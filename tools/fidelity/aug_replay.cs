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
    int index = byName[record.GetProperty("image").GetString()!];
    var draws = record.GetProperty("draws").EnumerateArray().ToList();
    // yolov5 draws a MixUp gate after the warp; GhostYolo has no MixUp step at mixup 0. Drop it (the 12th uniform).
    var script = new List<object>();
    int uniforms = 0;
    List<int> partners = [];
    foreach (var d in draws)
        switch (d.GetProperty("k").GetString())
        {
            case "u":
                if (++uniforms == 12) continue;
                script.Add(d.GetProperty("v").GetDouble());
                break;
            case "pick":
                partners.Add(byName[d.GetProperty("v").GetString()!]);
                script.Add(partners[^1]);
                break;
            case "order":
                // .NET's Shuffle swaps i with Next(i, n) for i = 0 .. n-2; find the j's that give yolov5's final order.
                var final = d.GetProperty("v").EnumerateArray().Select(v => byName[v.GetString()!]).ToArray();
                var arr = new[] { index }.Concat(partners).ToArray();
                for (int i = 0; i < 3; i++)
                {
                    int j = Array.IndexOf(arr, final[i], i);
                    script.Add(j);
                    (arr[i], arr[j]) = (arr[j], arr[i]);
                }
                break;
        }
    var rng = new ScriptedRandom(script, $"sample {k}");
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

/// <summary>A Random that returns recorded values in order, and fails loudly when GhostYolo asks for something else.</summary>
sealed class ScriptedRandom(List<object> script, string what) : Random
{
    private int _next;

    private object Take(string call)
    {
        if (_next >= script.Count) throw new InvalidOperationException($"{what}: GhostYolo draws more than yolov5 did ({call} after {script.Count})");
        return script[_next++];
    }

    public override double NextDouble() => Take("NextDouble") is double u ? u : throw new InvalidOperationException($"{what}: draw {_next - 1}: GhostYolo asks for a double where yolov5 drew an index");
    public override int Next(int maxValue) => Take($"Next({maxValue})") is int i && i < maxValue ? i : throw new InvalidOperationException($"{what}: draw {_next - 1}: Next({maxValue}) where yolov5 drew a double");
    public override int Next(int minValue, int maxValue) => Take($"Next({minValue}, {maxValue})") is int i && i >= minValue && i < maxValue ? i : throw new InvalidOperationException($"{what}: draw {_next - 1}: Next({minValue}, {maxValue}) out of script");
    public override int Next() => throw new InvalidOperationException($"{what}: unexpected Next()");
    protected override double Sample() => throw new InvalidOperationException($"{what}: unexpected Sample()");
    public override void NextBytes(byte[] buffer) => throw new InvalidOperationException($"{what}: unexpected NextBytes");
    public override long NextInt64() => throw new InvalidOperationException($"{what}: unexpected NextInt64()");

    public void CheckUsedUp()
    {
        if (_next != script.Count) throw new InvalidOperationException($"{what}: GhostYolo drew {_next} values, yolov5 {script.Count}");
    }
}
