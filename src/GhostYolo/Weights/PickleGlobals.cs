using System.Text;

namespace GhostYolo.Weights;

/// <summary>
/// Lists the Python globals (<c>module.name</c>) a pickle refers to, without running it: a walk over the opcodes
/// (protocols 0–5) that reads each opcode's argument and skips it. Razorvine.Pickle turns any global it has no
/// constructor for into a <c>ClassDict</c> and cannot be told to refuse one, so the allow list is checked here, on the
/// whole stream, before Razorvine sees a byte of it. Written by hand because neither Razorvine nor TorchSharp.PyBridge
/// offers a hook at global-lookup time.
/// </summary>
internal static class PickleGlobals
{
    /// <summary>The distinct globals in <paramref name="pickle"/>, in first-use order.</summary>
    /// <exception cref="InvalidDataException">Not a pickle, truncated, or a <c>STACK_GLOBAL</c> whose names are not literal strings.</exception>
    public static IReadOnlyList<string> Scan(ReadOnlySpan<byte> pickle)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Strings pushed recently and memoised, enough to name a protocol-4 STACK_GLOBAL's operands.
        var strings = new List<string?>();
        var memo = new Dictionary<long, string?>();
        int pos = 0;
        void Add(string g) { if (seen.Add(g)) found.Add(g); }
        string? last = null;
        while (true)
        {
            if (pos >= pickle.Length) throw new InvalidDataException("pickle ends without STOP (truncated)");
            byte op = pickle[pos++];
            string? pushed = null;
            switch (op)
            {
                case (byte)'.': return found; // STOP
                case (byte)'c': // GLOBAL "module\nname\n"
                {
                    var module = Line(pickle, ref pos);
                    var name = Line(pickle, ref pos);
                    Add(module + "." + name);
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    if (strings.Count < 2 || strings[^1] is null || strings[^2] is null)
                        throw new InvalidDataException("pickle uses STACK_GLOBAL with computed names; refusing to load it");
                    Add(strings[^2] + "." + strings[^1]);
                    break;
                }
                case (byte)'X': pushed = Utf8(pickle, ref pos, U32(pickle, ref pos)); break;        // BINUNICODE
                case 0x8c: pushed = Utf8(pickle, ref pos, pickle[pos++]); break;                    // SHORT_BINUNICODE
                case 0x8d: pushed = Utf8(pickle, ref pos, checked((int)U64(pickle, ref pos))); break; // BINUNICODE8
                case (byte)'V': pushed = Line(pickle, ref pos); break;                               // UNICODE
                case (byte)'S': pushed = Line(pickle, ref pos); break;                               // STRING
                case (byte)'U': pushed = Ascii(pickle, ref pos, pickle[pos++]); break;               // SHORT_BINSTRING
                case (byte)'T': pushed = Ascii(pickle, ref pos, U32(pickle, ref pos)); break;        // BINSTRING
                // memo: remember which memo slots hold strings, so a later GET can name a STACK_GLOBAL operand
                case (byte)'q': memo[pickle[pos++]] = last; break;                                  // BINPUT
                case (byte)'r': memo[U32(pickle, ref pos)] = last; break;                           // LONG_BINPUT
                case (byte)'p': memo[long.Parse(Line(pickle, ref pos))] = last; break;              // PUT
                case 0x94: memo[memo.Count] = last; break;                                          // MEMOIZE
                case (byte)'h': pushed = memo.GetValueOrDefault(pickle[pos++]); strings.Add(pushed); last = pushed; continue; // BINGET
                case (byte)'j': pushed = memo.GetValueOrDefault(U32(pickle, ref pos)); strings.Add(pushed); last = pushed; continue; // LONG_BINGET
                case (byte)'g': pushed = memo.GetValueOrDefault(long.Parse(Line(pickle, ref pos))); strings.Add(pushed); last = pushed; continue; // GET
                // fixed-size arguments
                case (byte)'K': case 0x80: case 0x82: pos += 1; break;  // BININT1, PROTO, EXT1
                case (byte)'M': case 0x83: pos += 2; break;             // BININT2, EXT2
                case (byte)'J': case 0x84: pos += 4; break;             // BININT, EXT4
                case (byte)'G': case 0x95: pos += 8; break;             // BINFLOAT, FRAME
                case 0x8a: pos += 1 + pickle[pos]; break;               // LONG1
                case 0x8b: pos += 4 + U32At(pickle, pos); break;        // LONG4
                case (byte)'C': pos += 1 + pickle[pos]; break;          // SHORT_BINBYTES
                case (byte)'B': pos += 4 + U32At(pickle, pos); break;   // BINBYTES
                case 0x8e: case 0x96: pos += 8 + checked((int)U64At(pickle, pos)); break; // BINBYTES8, BYTEARRAY8
                // newline-terminated arguments
                case (byte)'I': case (byte)'L': case (byte)'F': case (byte)'P': Line(pickle, ref pos); break; // INT, LONG, FLOAT, PERSID
                // no argument
                case (byte)'(': case (byte)')': case (byte)']': case (byte)'}': case (byte)'N': case 0x88: case 0x89:
                case (byte)'t': case 0x85: case 0x86: case 0x87: case (byte)'l': case (byte)'d': case (byte)'a': case (byte)'e':
                case (byte)'s': case (byte)'u': case (byte)'0': case (byte)'2': case (byte)'1': case (byte)'R': case (byte)'b':
                case 0x81: case 0x92: case (byte)'Q': case (byte)'o': case 0x8f: case 0x90: case 0x91:
                case 0x97: case 0x98:
                    break;
                case (byte)'i': // INST "module\nname\n": builds an instance of a global
                {
                    var module = Line(pickle, ref pos);
                    var name = Line(pickle, ref pos);
                    Add(module + "." + name);
                    break;
                }
                default:
                    throw new InvalidDataException($"unknown pickle opcode 0x{op:x2} at byte {pos - 1}");
            }
            if (pos > pickle.Length) throw new InvalidDataException("pickle is truncated");
            if (pushed is not null) { strings.Add(pushed); last = pushed; }
            else if (op is not ((byte)'q' or (byte)'r' or (byte)'p' or 0x94 or 0x95)) last = null;
        }
    }

    private static string Line(ReadOnlySpan<byte> p, ref int pos)
    {
        int end = p[pos..].IndexOf((byte)'\n');
        if (end < 0) throw new InvalidDataException("pickle is truncated");
        var s = Encoding.UTF8.GetString(p.Slice(pos, end));
        pos += end + 1;
        return s;
    }

    private static string Utf8(ReadOnlySpan<byte> p, ref int pos, int n)
    {
        if (pos + n > p.Length) throw new InvalidDataException("pickle is truncated");
        var s = Encoding.UTF8.GetString(p.Slice(pos, n));
        pos += n;
        return s;
    }

    private static string Ascii(ReadOnlySpan<byte> p, ref int pos, int n)
    {
        if (pos + n > p.Length) throw new InvalidDataException("pickle is truncated");
        var s = Encoding.Latin1.GetString(p.Slice(pos, n));
        pos += n;
        return s;
    }

    private static int U32(ReadOnlySpan<byte> p, ref int pos) { int v = U32At(p, pos); pos += 4; return v; }
    private static long U64(ReadOnlySpan<byte> p, ref int pos) { long v = U64At(p, pos); pos += 8; return v; }

    private static int U32At(ReadOnlySpan<byte> p, int pos)
        => pos + 4 <= p.Length ? checked((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(p[pos..]))
            : throw new InvalidDataException("pickle is truncated");

    private static long U64At(ReadOnlySpan<byte> p, int pos)
        => pos + 8 <= p.Length ? checked((long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(p[pos..]))
            : throw new InvalidDataException("pickle is truncated");
}
