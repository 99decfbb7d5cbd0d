using System.Text.Unicode;

namespace Game.Protocol;

/// <summary>
/// Reads a binary <c>roster</c> (docs/protocol-binary.md) without allocating: <see cref="TryOpen"/> validates the whole
/// frame, <see cref="TryReadId"/> then yields each id's UTF-8 bytes in map-entry order.
/// </summary>
public ref struct BinaryRosterReader
{
    private readonly ReadOnlySpan<byte> _frame;
    private int _position;
    private int _read;

    private BinaryRosterReader(ReadOnlySpan<byte> frame, int position, byte version, int count)
    {
        _frame = frame;
        _position = position;
        Version = version;
        Count = count;
    }

    /// <summary>The roster's version: maps with the same version follow it.</summary>
    public readonly byte Version { get; }

    /// <summary>Ids in the roster.</summary>
    public readonly int Count { get; }

    /// <summary>Validates <paramref name="frame"/> as a whole <c>roster</c> and opens it at its first id.</summary>
    /// <param name="frame">The binary frame's bytes.</param>
    /// <param name="reader">The reader, when the result is true.</param>
    /// <param name="error">Why the frame is not a valid roster, when the result is false.</param>
    /// <returns>True when the frame is exactly one well-formed roster.</returns>
    public static bool TryOpen(ReadOnlySpan<byte> frame, out BinaryRosterReader reader, out ProtocolError error)
    {
        reader = default;
        if (!BinaryMessageReader.TryCheckTag(frame, BinaryFormat.RosterTag, out error)) return false;
        var n = 2;
        if (frame.Length < n || !Varint.TryRead(frame, ref n, out var count)) return BinaryMessageReader.Fail(BinaryMessages.RosterHeader, out error);
        if (count > (ulong)((frame.Length - n) / 2)) return BinaryMessageReader.Fail(BinaryMessages.RosterIds, out error);

        var first = n;
        for (var i = 0UL; i < count; i++)
        {
            if (!TryReadLength(frame, ref n, out var length) || !Utf8.IsValid(frame.Slice(n, length)))
            {
                return BinaryMessageReader.Fail(BinaryMessages.RosterIds, out error);
            }
            n += length;
        }
        if (n != frame.Length) return BinaryMessageReader.Fail(BinaryMessages.RosterIds, out error);

        reader = new BinaryRosterReader(frame, first, frame[1], (int)count);
        error = default;
        return true;
    }

    /// <summary>Reads the next id; false after the last one.</summary>
    /// <param name="utf8Id">The id's UTF-8 bytes (a slice of the frame), when the result is true.</param>
    public bool TryReadId(out ReadOnlySpan<byte> utf8Id)
    {
        if (_read >= Count)
        {
            utf8Id = default;
            return false;
        }
        TryReadLength(_frame, ref _position, out var length); // validated by TryOpen
        utf8Id = _frame.Slice(_position, length);
        _position += length;
        _read++;
        return true;
    }

    /// <summary>Reads an id's length varint: 1–255, and that many bytes must follow.</summary>
    private static bool TryReadLength(ReadOnlySpan<byte> frame, ref int position, out int length)
    {
        length = 0;
        if (!Varint.TryRead(frame, ref position, out var value) || value is < 1 or > BinaryFormat.MaxRosterIdBytes) return false;
        length = (int)value;
        return length <= frame.Length - position;
    }
}
