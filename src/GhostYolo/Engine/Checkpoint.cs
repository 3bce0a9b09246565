using System.Text.Json;
using GhostYolo.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>Everything about a checkpoint except the tensors (stored as JSON in the file header).</summary>
public sealed record CheckpointInfo
{
    public string Format { get; init; } = "ghostyolo-checkpoint/1";
    /// <summary>The model YAML text, so the checkpoint loads without the original file.</summary>
    public required string ModelYaml { get; init; }
    public required string ModelName { get; init; }
    public string? Scale { get; init; }
    public required int Nc { get; init; }
    public required IReadOnlyList<string> Names { get; init; }
    public int ImgSz { get; init; } = 640;
    /// <summary>Last finished epoch (0-based); −1 for a finished run (stripped, like ultralytics).</summary>
    public int Epoch { get; init; } = -1;
    public double BestFitness { get; init; }
    public long EmaUpdates { get; init; }
    public Dictionary<string, string> TrainArgs { get; init; } = new();
    public Dictionary<string, double> Metrics { get; init; } = new();
    public DateTime Date { get; init; } = DateTime.UtcNow;
}

/// <summary>
/// A GhostYolo checkpoint file (<c>weights/best.gyt</c>, <c>last.gyt</c>): a JSON header, the (EMA) model weights and,
/// while training, the optimizer state. Written to a temp file and renamed, so a crash never leaves a half-written file.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private static readonly byte[] Magic = "GHOSTYOLO\u0001"u8.ToArray();
    public const string Extension = ".gyt";

    public Checkpoint(CheckpointInfo info, Dictionary<string, Tensor> weights, byte[]? optimizerState = null)
    {
        Info = info; Weights = weights; OptimizerState = optimizerState;
    }

    public CheckpointInfo Info { get; }
    public Dictionary<string, Tensor> Weights { get; }
    /// <summary>TorchSharp's serialised optimizer state (null once a run is finished).</summary>
    public byte[]? OptimizerState { get; }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        using (var fs = File.Create(tmp))
        using (var w = new BinaryWriter(fs))
        {
            w.Write(Magic);
            w.Write(JsonSerializer.Serialize(Info));
            StateDictIO.Write(w, Weights);
            w.Write(OptimizerState?.Length ?? 0);
            if (OptimizerState is not null) w.Write(OptimizerState);
        }
        File.Move(tmp, path, overwrite: true);
    }

    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' not found");
        try
        {
            using var fs = File.OpenRead(path);
            using var r = new BinaryReader(fs);
            if (!r.ReadBytes(Magic.Length).SequenceEqual(Magic))
                throw new InvalidDataException($"'{path}' is not a GhostYolo checkpoint (expected a {Extension} file written by `ghostyolo train`)");
            var info = JsonSerializer.Deserialize<CheckpointInfo>(r.ReadString())
                ?? throw new InvalidDataException($"'{path}': empty checkpoint header");
            var weights = StateDictIO.Read(r);
            int n = r.ReadInt32();
            return new Checkpoint(info, weights, n > 0 ? r.ReadBytes(n) : null);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is truncated (an interrupted copy?); use weights/last{Extension} or retrain");
        }
    }

    public static bool IsCheckpoint(string path) => File.Exists(path) && path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Rebuilds the model from the embedded YAML and loads the weights.</summary>
    public DetectionModel BuildModel(ModuleRegistry? registry = null)
    {
        var def = ModelDefinition.Parse(Info.ModelYaml, Info.ModelName, Info.Scale, Info.Nc) with { DisplayName = Info.ModelName };
        var model = new ModelBuilder(registry).Build(def);
        LoadInto(model, Weights, strict: true);
        return model;
    }

    /// <summary>Copies tensors whose name and shape match; returns what was transferred and what was skipped, with the reason.</summary>
    public static TransferReport LoadInto(nn.Module model, IReadOnlyDictionary<string, Tensor> weights, bool strict)
    {
        var target = model.state_dict();
        var transferred = new List<string>();
        var skipped = new List<(string Name, string Reason)>();
        using (no_grad())
        {
            foreach (var (name, t) in target)
            {
                if (!weights.TryGetValue(name, out var src)) { skipped.Add((name, "not in the weights file")); continue; }
                if (!src.shape.SequenceEqual(t.shape))
                {
                    skipped.Add((name, $"shape [{string.Join(", ", src.shape)}] in file vs [{string.Join(", ", t.shape)}] in model"));
                    continue;
                }
                t.copy_(src.to(t.dtype));
                transferred.Add(name);
            }
        }
        // Batch counters (num_batches_tracked) are not kept by our BatchNorms (see Activations.BatchNorm): not a mismatch.
        var unused = weights.Keys.Where(k => !target.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (strict && (skipped.Count > 0 || unused.Count > 0))
            throw new InvalidDataException($"checkpoint does not match its model: {skipped.Count} tensors missing or mis-shaped (first: {skipped.FirstOrDefault().Name} — {skipped.FirstOrDefault().Reason}), {unused.Count} unused");
        return new TransferReport(transferred, skipped, unused);
    }

    public void Dispose()
    {
        foreach (var t in Weights.Values) t.Dispose();
    }
}

/// <summary>What <c>--weights</c> transferred into a (possibly different) model, and why the rest was skipped.</summary>
public sealed record TransferReport(IReadOnlyList<string> Transferred, IReadOnlyList<(string Name, string Reason)> Skipped, IReadOnlyList<string> Unused);
