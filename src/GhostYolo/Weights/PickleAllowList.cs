namespace GhostYolo.Weights;

/// <summary>
/// The Python globals a checkpoint may name. Everything that builds a value (tensors, parameters, ordered dicts, numpy
/// scalars) is listed exactly and handled by <see cref="TorchArchive"/>'s own constructors; module classes of torch,
/// ultralytics and yolov5 (and their forks, which live in the same packages) are allowed by module prefix and rebuild
/// as plain attribute bags. Nothing named here is ever called.
/// </summary>
internal static class PickleAllowList
{
    private static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch.Size", "torch.device", "torch.float16", "torch.float32", "torch.bfloat16", "torch.float64", "torch.int64",
        "numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar", "numpy._core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar", "numpy.ndarray", "numpy.dtype",
        "_codecs.encode", "builtins.set", "__builtin__.set", "builtins.frozenset", "builtins.slice",
        "types.SimpleNamespace", "argparse.Namespace", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.Path",
        "copyreg._reconstructor", "copy_reg._reconstructor", "builtins.object", "__builtin__.object",
    };

    /// <summary>Module prefixes whose classes rebuild as attribute bags (nn.Module subclasses, namespaces, …).</summary>
    public static readonly IReadOnlyList<string> ModulePrefixes =
        ["torch.nn.modules.", "ultralytics.", "models.", "utils."];

    private static readonly string[] StorageNames =
    [
        "FloatStorage", "HalfStorage", "BFloat16Storage", "DoubleStorage", "LongStorage", "IntStorage", "ShortStorage",
        "CharStorage", "ByteStorage", "BoolStorage",
    ];

    public static bool IsAllowed(string global)
        => Exact.Contains(global)
           || (global.StartsWith("torch.", StringComparison.Ordinal) && StorageNames.Contains(global[6..]))
           || ModulePrefixes.Any(p => global.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Throws for the first global in <paramref name="pickle"/> that is not allowed, naming it and the file.</summary>
    public static void Check(ReadOnlySpan<byte> pickle, string file)
    {
        IReadOnlyList<string> globals;
        try { globals = PickleGlobals.Scan(pickle); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{file}: {e.Message}", e); }
        foreach (var g in globals)
            if (!IsAllowed(g))
                throw new InvalidDataException(
                    $"{file}: refusing to load — the pickle names the global '{g}', which is not a tensor, a dict or a module class " +
                    $"of torch / ultralytics / yolov5 (allowed module prefixes: {string.Join(", ", ModulePrefixes)}). Only load checkpoints you trust.");
    }
}
