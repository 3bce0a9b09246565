using System.Collections;
using System.IO.Compression;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>
/// Reads a <c>torch.save</c> zip (a state dict, or a whole pickled checkpoint as ultralytics and yolov5 write them) into
/// plain .NET values: dicts are <see cref="Hashtable"/>s (order is not kept), lists
/// <see cref="ArrayList"/>s, tuples <c>object[]</c>, tensors TorchSharp tensors, and module objects Razorvine
/// <see cref="ClassDict"/> attribute bags. The pickle's globals are checked against <see cref="PickleAllowList"/> first,
/// and nothing from the file is ever executed.
/// </summary>
/// <remarks>
/// Razorvine.Pickle runs the pickle machine. TorchSharp.PyBridge's own unpickler is not used because it refuses
/// whole-model pickles (its <c>_rebuild_parameter</c> constructor throws) and drops every non-tensor value of an
/// OrderedDict; the storage loading (shared storages read once, views rebuilt with their strides) is therefore ours.
/// Razorvine keeps its constructors in one process-wide table, so they are (re-)registered under a lock for every read.
/// </remarks>
internal static class TorchArchive
{
    private static readonly object Gate = new();

    /// <summary>Reads <paramref name="path"/>; the result is the unpickled root object (usually a <see cref="Hashtable"/>).</summary>
    /// <exception cref="InvalidDataException">Not a torch zip, truncated, or a pickle naming a global outside the allow list.</exception>
    public static object Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file '{path}' not found", path);
        using var fs = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        if (fs.Read(magic) < 4 || magic[0] != 0x50 || magic[1] != 0x4b || magic[2] != 0x03 || magic[3] != 0x04)
            throw new InvalidDataException($"{path}: not a PyTorch zip checkpoint (no zip signature; files from torch.save before PyTorch 1.6 are not supported — re-save them with a current torch)");
        fs.Position = 0;
        ZipArchive zip;
        try { zip = new ZipArchive(fs, ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: damaged zip ({e.Message}); is the file truncated?", e); }
        using (zip)
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                ?? throw new InvalidDataException($"{path}: a zip without data.pkl is not a torch.save file");
            var prefix = pkl.FullName[..^"data.pkl".Length];
            byte[] pickle = ReadAll(pkl, path);
            PickleAllowList.Check(pickle, path);
            lock (Gate)
            {
                Register();
                using var unpickler = new ArchiveUnpickler(zip, prefix, path);
                try { return unpickler.loads(pickle); }
                catch (PickleException e) { throw new InvalidDataException($"{path}: cannot unpickle ({e.Message})", e); }
                catch (InvalidCastException e) { throw new InvalidDataException($"{path}: unexpected pickle content ({e.Message})", e); }
                finally { unpickler.DisposeStorages(); }
            }
        }
    }

    private static byte[] ReadAll(ZipArchiveEntry entry, string path)
    {
        try
        {
            using var s = entry.Open();
            using var ms = new MemoryStream((int)entry.Length);
            s.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: damaged zip entry {entry.FullName} ({e.Message}); is the file truncated?", e); }
    }

    private static void Register()
    {
        Unpickler.registerConstructor("collections", "OrderedDict", new Constructor(_ => new PyOrderedDict()));
        var rebuild = new Constructor(RebuildTensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", rebuild);
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", rebuild);
        var parameter = new Constructor(a => a[0]);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", parameter);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter_with_state", parameter);
        Unpickler.registerConstructor("torch", "Size", new Constructor(a => a.Length == 0 ? Array.Empty<long>() : ((object[])a[0]).Select(Convert.ToInt64).ToArray()));
        Unpickler.registerConstructor("torch", "device", new Constructor(a => string.Join(":", a)));
        foreach (var np in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            Unpickler.registerConstructor(np, "_reconstruct", new Constructor(a => new PyOpaque("numpy.ndarray", a)));
            Unpickler.registerConstructor(np, "scalar", new Constructor(a => new PyOpaque("numpy.scalar", a)));
        }
        Unpickler.registerConstructor("numpy", "dtype", new Constructor(a => new PyOpaque("numpy.dtype", a)));
        foreach (var p in new[] { "PosixPath", "WindowsPath", "Path" })
            Unpickler.registerConstructor("pathlib", p, new Constructor(a => string.Join("/", a)));
    }

    /// <summary><c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, …)</c>: a view of the
    /// storage with its own strides, copied out so every tensor owns its memory (two views of one storage stay equal).</summary>
    private static object RebuildTensor(object[] a)
    {
        var storage = (Storage)a[0];
        long offset = Convert.ToInt64(a[1]);
        var size = ((object[])a[2]).Select(Convert.ToInt64).ToArray();
        var stride = ((object[])a[3]).Select(Convert.ToInt64).ToArray();
        long needed = offset + 1 + size.Zip(stride, (n, s) => (n - 1) * s).Sum();
        if (size.Any(n => n == 0)) return zeros(size, storage.Data.dtype);
        if (needed > storage.Data.numel())
            throw new InvalidDataException($"tensor of shape [{string.Join(", ", size)}] reaches past its storage ({storage.Data.numel()} elements)");
        using var view = storage.Data.as_strided(size, stride, offset);
        return view.clone();
    }

    private sealed record Storage(Tensor Data);

    private sealed class ArchiveUnpickler(ZipArchive zip, string prefix, string path) : Unpickler
    {
        private readonly Dictionary<string, Storage> _storages = new(StringComparer.Ordinal);

        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: >= 5 } t || t[0] is not "storage")
                throw new InvalidDataException($"{path}: unknown persistent id in the pickle");
            var key = Convert.ToString(t[2])!;
            if (_storages.TryGetValue(key, out var cached)) return cached;
            var typeName = t[1] switch
            {
                ClassDictConstructor c => c.name,
                _ => throw new InvalidDataException($"{path}: storage {key} has no storage type"),
            };
            var dtype = StorageType(typeName, path);
            long numel = Convert.ToInt64(t[4]);
            var entry = zip.GetEntry(prefix + "data/" + key)
                ?? throw new InvalidDataException($"{path}: storage data/{key} is missing from the archive (truncated file?)");
            var tensor = empty(numel, dtype);
            long bytes = numel * tensor.ElementSize;
            if (entry.Length < bytes)
                throw new InvalidDataException($"{path}: storage data/{key} holds {entry.Length} bytes, {bytes} expected (truncated file?)");
            var buffer = ReadAll(entry, path);
            tensor.bytes = bytes == buffer.Length ? buffer : buffer.AsSpan(0, (int)bytes).ToArray();
            var storage = new Storage(tensor);
            _storages[key] = storage;
            return storage;
        }

        public void DisposeStorages()
        {
            foreach (var s in _storages.Values) s.Data.Dispose();
            _storages.Clear();
        }

        private static ScalarType StorageType(string name, string path) => name switch
        {
            "FloatStorage" => ScalarType.Float32,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "DoubleStorage" => ScalarType.Float64,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ShortStorage" => ScalarType.Int16,
            "CharStorage" => ScalarType.Int8,
            "ByteStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            _ => throw new InvalidDataException($"{path}: storage type torch.{name} is not supported"),
        };
    }

    private sealed class Constructor(Func<object[], object> build) : IObjectConstructor
    {
        public object construct(object[] args) => build(args);
    }
}

/// <summary>A Python <c>collections.OrderedDict</c> as a <see cref="Hashtable"/>. Insertion order is not kept: Razorvine's
/// SETITEMS inserts each batch of items in reverse, and nothing here depends on order (tensors are matched by name).</summary>
internal sealed class PyOrderedDict : Hashtable
{
    /// <summary>State set by pickle's BUILD (torch state dicts carry <c>_metadata</c>); not needed here.</summary>
    public void __setstate__(Hashtable state) { }
}

/// <summary>A value GhostYolo does not interpret (numpy arrays and scalars): its constructor name and arguments.</summary>
internal sealed class PyOpaque(string kind, object[] args)
{
    public string Kind { get; } = kind;
    public object[] Args { get; } = args;
    public object? State { get; private set; }
    public void __setstate__(object[] state) => State = state;
    public void __setstate__(Hashtable state) => State = state;
    public override string ToString() => Kind;
}
