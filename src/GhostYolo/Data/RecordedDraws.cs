using System.Text.Json;

namespace GhostYolo.Data;

/// <summary>
/// The random draws yolov5 v7.0's training loader made for one sample (recorded by tools/fidelity/v5_aug_params.py),
/// turned into the <see cref="Random"/> calls GhostYolo's <c>recipe=yolov5</c> transforms make, so that both produce the
/// same sample from the same draws: the mosaic gate, the centre, the three partners, the tile order (.NET's Shuffle swaps
/// i with Next(i, 4); the j's that give yolov5's order), the eight warp draws, the three HSV gains and the two flips.
/// yolov5 also draws a MixUp gate after the warp, which GhostYolo, at mixup 0, does not.
/// </summary>
internal static class RecordedDraws
{
    /// <summary>The sample's dataset index and a Random that replays its draws. <paramref name="byName"/>: file name → index.</summary>
    public static (int Index, ScriptedRandom Rng) Replay(JsonElement record, IReadOnlyDictionary<string, int> byName)
    {
        string image = record.GetProperty("image").GetString()!;
        int index = byName[image];
        var script = new List<object>();
        var partners = new List<int>();
        int uniforms = 0;
        foreach (var d in record.GetProperty("draws").EnumerateArray())
            switch (d.GetProperty("k").GetString())
            {
                case "u":
                    if (++uniforms == 12) continue; // yolov5's MixUp gate
                    script.Add(d.GetProperty("v").GetDouble());
                    break;
                case "pick":
                    partners.Add(byName[d.GetProperty("v").GetString()!]);
                    script.Add(partners[^1]);
                    break;
                case "order":
                    var final = d.GetProperty("v").EnumerateArray().Select(v => byName[v.GetString()!]).ToArray();
                    var tiles = new[] { index }.Concat(partners).ToArray();
                    for (int i = 0; i < tiles.Length - 1; i++)
                    {
                        int j = Array.IndexOf(tiles, final[i], i);
                        script.Add(j);
                        (tiles[i], tiles[j]) = (tiles[j], tiles[i]);
                    }
                    break;
                case var other: throw new InvalidDataException($"{image}: unknown draw kind '{other}'");
            }
        return (index, new ScriptedRandom(script, image));
    }
}

/// <summary>A <see cref="Random"/> that returns recorded values in order and throws when asked for anything else.</summary>
internal sealed class ScriptedRandom(IReadOnlyList<object> script, string what) : Random
{
    private int _next;

    private object Take(string call) => _next < script.Count ? script[_next++]
        : throw new InvalidOperationException($"{what}: {call} after all {script.Count} recorded draws");

    private InvalidOperationException Mismatch(string call) => new($"{what}: draw {_next - 1} is {script[_next - 1]}, not a value for {call}");

    public override double NextDouble() => Take("NextDouble") is double u ? u : throw Mismatch("NextDouble");
    public override int Next(int maxValue) => Take($"Next({maxValue})") is int i && i < maxValue ? i : throw Mismatch($"Next({maxValue})");
    public override int Next(int minValue, int maxValue)
        => Take($"Next({minValue}, {maxValue})") is int i && i >= minValue && i < maxValue ? i : throw Mismatch($"Next({minValue}, {maxValue})");
    public override int Next() => throw new InvalidOperationException($"{what}: Next() was not recorded");
    protected override double Sample() => throw new InvalidOperationException($"{what}: Sample() was not recorded");
    public override void NextBytes(byte[] buffer) => throw new InvalidOperationException($"{what}: NextBytes was not recorded");
    public override long NextInt64() => throw new InvalidOperationException($"{what}: NextInt64() was not recorded");

    /// <summary>Throws unless every recorded draw was used.</summary>
    public void CheckUsedUp()
    {
        if (_next != script.Count) throw new InvalidOperationException($"{what}: {_next} of {script.Count} recorded draws used");
    }
}
