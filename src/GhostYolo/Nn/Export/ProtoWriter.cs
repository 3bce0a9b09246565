using System.Text;

namespace GhostYolo.Nn.Export;

/// <summary>
/// The few protocol-buffer wire rules an ONNX file needs (varints, fixed32, length-delimited fields), so export needs
/// no generated code and no protobuf package. Nested messages are written into their own writer and embedded as bytes.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    public ProtoWriter Int(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, value);
        _stream.Write(b);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _stream.Write(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>A repeated int64 field, one tag per element (proto2's unpacked form, which every reader accepts).</summary>
    public ProtoWriter Ints(int field, IEnumerable<long> values)
    {
        foreach (var v in values) Int(field, v);
        return this;
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _stream.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _stream.WriteByte((byte)v);
    }
}
