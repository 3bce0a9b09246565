using System.Text.Json;
using GhostYolo.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>Everything about a checkpoint except the tensors (stored as JSON in the file header).</summary>
public sealed record CheckpointInfo
{
    /// <summary>The header's format tag.</summary>
    public string Format { get; init; } = "ghostyolo-checkpoint/1";
    /// <summary>The model YAML text, so the checkpoint loads without the original file.</summary>
    public required string ModelYaml { get; init; }
    /// <summary>The model's display name (e.g. <c>YOLOv8n</c>).</summary>
    public required string ModelName { get; init; }
    /// <summary>The scale letter of a scaled YAML (<c>n</c>, <c>s</c>, …); null when the YAML has no scales.</summary>
    public string? Scale { get; init; }
    /// <summary>Number of classes.</summary>
    public required int Nc { get; init; }
    /// <summary>Class names, index = class id.</summary>
    public required IReadOnlyList<string> Names { get; init; }
    /// <summary>The image size it was trained at (val and detect default to it).</summary>
    public int ImgSz { get; init; } = 640;
    /// <summary>Last finished epoch (0-based); −1 for a finished run (stripped, like ultralytics).</summary>
    public int Epoch { get; init; } = -1;
    /// <summary>The best fitness (0.1 · mAP50 + 0.9 · mAP50-95) of the run when it was saved.</summary>
    public double BestFitness { get; init; }
    /// <summary>Updates of the EMA weights so far (resuming continues the EMA's warm-up from here).</summary>
    public long EmaUpdates { get; init; }
    /// <summary>The training arguments (<c>args.yaml</c>'s keys and values).</summary>
    public Dictionary<string, string> TrainArgs { get; init; } = new();
    /// <summary>The validation metrics of the saved epoch, by ultralytics' <c>results.csv</c> column names, and <c>fitness</c>.</summary>
    public Dictionary<string, double> Metrics { get; init; } = new();
    /// <summary>When it was written (UTC).</summary>
    public DateTime Date { get; init; } = DateTime.UtcNow;
}

/// <summary>
/// A GhostYolo checkpoint file (<c>weights/best.gyt</c>, <c>last.gyt</c>): a JSON header, the (EMA) model weights and,
/// while training, the optimizer state. Written to a temp file and renamed, so a crash never leaves a half-written file.
/// </summary>
internal sealed class Checkpoint : IDisposable
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

    public static Checkpoint Load(string path) => Read(path, (r, info) =>
    {
        var weights = StateDictIO.Read(r);
        int n = r.ReadInt32();
        return new Checkpoint(info, weights, n > 0 ? r.ReadBytes(n) : null);
    });

    /// <summary>Only the header (settings, names, epoch): no tensor is read.</summary>
    public static CheckpointInfo ReadInfo(string path) => Read(path, (_, info) => info);

    private static T Read<T>(string path, Func<BinaryReader, CheckpointInfo, T> rest)
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
            return rest(r, info);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is truncated (an interrupted copy?); use weights/last{Extension} or retrain");
        }
    }

    public static bool IsCheckpoint(string path) => File.Exists(path) && path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Rebuilds the model from the embedded YAML and loads the weights strictly; nothing half-loaded is returned.</summary>
    /// <param name="source">The file the checkpoint came from, for error messages.</param>
    public DetectionModel BuildModel(string? source = null, ModuleRegistry? registry = null)
    {
        var def = ModelDefinition.Parse(Info.ModelYaml, source ?? Info.ModelName, Info.Scale, Info.Nc) with { DisplayName = Info.ModelName };
        var model = new ModelBuilder(registry).Build(def);
        try { LoadInto(model, Weights, strict: true, source); }
        catch { model.Dispose(); throw; }
        return model;
    }

    /// <summary>Copies tensors whose name and shape match; returns what was transferred and what was skipped, with the reason.</summary>
    /// <param name="source">The weights file, named in the error when <paramref name="strict"/> finds a mismatch.</param>
    public static TransferReport LoadInto(nn.Module model, IReadOnlyDictionary<string, Tensor> weights, bool strict, string? source = null)
    {
        var target = model.state_dict();
        if (strict)
        {
            // Check everything before copying anything: a mismatch leaves the model as it was.
            var bad = target.FirstOrDefault(kv => !weights.TryGetValue(kv.Key, out var w) || !w.shape.SequenceEqual(kv.Value.shape));
            if (bad.Key is not null)
            {
                var why = weights.TryGetValue(bad.Key, out var w)
                    ? $"shape [{string.Join(", ", w.shape)}] in the file, [{string.Join(", ", bad.Value.shape)}] in the model"
                    : "missing from the file";
                throw new InvalidDataException($"{source ?? "weights"} does not fit the model: '{bad.Key}' {why}");
            }
            var extra = weights.Keys.FirstOrDefault(k => !target.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
            if (extra is not null)
                throw new InvalidDataException($"{source ?? "weights"} does not fit the model: '{extra}' is in the file but not in the model");
        }
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
        var batchNorms = target.Keys.Where(k => k.EndsWith(".running_var", StringComparison.Ordinal))
            .Select(k => k[..^"running_var".Length]).ToList();
        return new TransferReport(transferred, skipped, unused)
        {
            BatchNorms = batchNorms.Count,
            // A counter is a scalar: ultralytics transfers it even when the BatchNorm's other tensors changed shape.
            BatchCountersInFile = batchNorms.Count(p => weights.ContainsKey(p + "num_batches_tracked")),
        };
    }

    public void Dispose()
    {
        foreach (var t in Weights.Values) t.Dispose();
    }
}

/// <summary>What <c>--weights</c> transferred into a (possibly different) model, and why the rest was skipped.</summary>
/// <param name="Transferred">Model tensors filled from the file.</param>
/// <param name="Skipped">Model tensors left as they were, each with the reason (missing, other shape).</param>
/// <param name="Unused">File tensors the model has no place for.</param>
public sealed record TransferReport(IReadOnlyList<string> Transferred, IReadOnlyList<(string Name, string Reason)> Skipped, IReadOnlyList<string> Unused)
{
    /// <summary>BatchNorms of the model, and how many of them found a <c>num_batches_tracked</c> counter in the file.</summary>
    public int BatchNorms { get; init; }
    /// <summary>BatchNorm <c>num_batches_tracked</c> counters found in the file.</summary>
    public int BatchCountersInFile { get; init; }

    /// <summary>ultralytics' "Transferred N/M items" numerator: it counts the PyTorch state dict, where every BatchNorm has a
    /// <c>num_batches_tracked</c> counter (GhostYolo's BatchNorms keep none), so counters found in the file count too.</summary>
    public int UltralyticsTransferred => Transferred.Count + BatchCountersInFile;
    /// <summary>ultralytics' denominator: the model's state-dict entries including one counter per BatchNorm.</summary>
    public int UltralyticsTotal => Transferred.Count + Skipped.Count + BatchNorms;
}
