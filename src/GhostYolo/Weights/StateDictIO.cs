using static TorchSharp.torch;

namespace GhostYolo.Weights;

/// <summary>
/// Reads and writes a name → tensor dictionary in a simple self-describing format (name, dtype, shape, raw bytes),
/// so a checkpoint's weights can be inspected and transferred into a different model without building the original.
/// </summary>
internal static class StateDictIO
{
    public static void Write(BinaryWriter w, IReadOnlyDictionary<string, Tensor> state)
    {
        w.Write(state.Count);
        foreach (var (name, tensor) in state)
        {
            using var t = tensor.detach().cpu().contiguous();
            w.Write(name);
            w.Write((int)t.dtype);
            w.Write(t.shape.Length);
            foreach (var d in t.shape) w.Write(d);
            var bytes = t.bytes;
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }

    public static Dictionary<string, Tensor> Read(BinaryReader r)
    {
        int count = r.ReadInt32();
        var result = new Dictionary<string, Tensor>(count);
        for (int i = 0; i < count; i++)
        {
            var name = r.ReadString();
            var dtype = (ScalarType)r.ReadInt32();
            var shape = new long[r.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
            var bytes = r.ReadBytes(r.ReadInt32());
            var t = empty(shape, dtype: dtype);
            t.bytes = bytes;
            result[name] = t;
        }
        return result;
    }
}
