namespace Game.Protocol;

/// <summary>
/// Unsigned LEB128 integers as the binary encoding uses them (docs/protocol-binary.md, "Common rules"): 7 bits per
/// byte, least significant group first, at most 10 bytes, minimal.
/// </summary>
internal static class Varint
{
    /// <summary>Longest encoding: 10 bytes (64 bits).</summary>
    public const int MaxLength = 10;

    /// <summary>Bytes <paramref name="value"/> takes.</summary>
    public static int SizeOf(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="destination"/>[<paramref name="position"/>] and moves the position past it.</summary>
    /// <remarks>The caller makes sure there is room (<see cref="MaxLength"/> bytes always suffice).</remarks>
    public static void Write(Span<byte> destination, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[position++] = (byte)value;
    }

    /// <summary>
    /// Reads a varint at <paramref name="source"/>[<paramref name="position"/>] and moves the position past it.
    /// False when the source ends inside it, or it is longer than 10 bytes, over 64 bits or not minimal.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            if (position >= source.Length) return false;
            var b = source[position++];
            if (i == MaxLength - 1 && b > 1) return false; // the 10th byte holds bit 63 only
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return i == 0 || b != 0; // a last byte of 0 after others means a shorter encoding existed
            }
            shift += 7;
        }
        return false;
    }
}
