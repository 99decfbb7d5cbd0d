using System.Buffers.Binary;

namespace Game.Protocol;

/// <summary>
/// Reads a binary <c>map</c> (docs/protocol-binary.md) without allocating: <see cref="TryOpen"/> validates the whole
/// frame and reads the header, <see cref="TryReadEntry"/> then yields the entries in roster order.
/// </summary>
public ref struct BinaryMapReader
{
    private readonly ReadOnlySpan<byte> _frame;
    private int _position;
    private int _read;

    private BinaryMapReader(ReadOnlySpan<byte> frame, int position, byte rosterVersion, long time, long tick, int count)
    {
        _frame = frame;
        _position = position;
        RosterVersion = rosterVersion;
        Time = time;
        Tick = tick;
        Count = count;
    }

    /// <summary>The version of the roster the entries follow.</summary>
    public readonly byte RosterVersion { get; }

    /// <summary>Server time of the tick, ms since the Unix epoch.</summary>
    public readonly long Time { get; }

    /// <summary>The tick counter.</summary>
    public readonly long Tick { get; }

    /// <summary>Entries in the map.</summary>
    public readonly int Count { get; }

    /// <summary>Validates <paramref name="frame"/> as a whole binary <c>map</c> and opens it at its first entry.</summary>
    /// <param name="frame">The binary frame's bytes.</param>
    /// <param name="reader">The reader, when the result is true.</param>
    /// <param name="error">Why the frame is not a valid map, when the result is false.</param>
    /// <returns>True when the frame is exactly one well-formed map.</returns>
    public static bool TryOpen(ReadOnlySpan<byte> frame, out BinaryMapReader reader, out ProtocolError error)
    {
        reader = default;
        if (!BinaryMessageReader.TryCheckTag(frame, BinaryFormat.MapTag, out error)) return false;
        if (frame.Length < BinaryFormat.MapFixedHeaderSize) return BinaryMessageReader.Fail(BinaryMessages.MapHeader, out error);
        var n = BinaryFormat.MapFixedHeaderSize;
        if (!Varint.TryRead(frame, ref n, out var tick) || tick > long.MaxValue
            || !Varint.TryRead(frame, ref n, out var count))
        {
            return BinaryMessageReader.Fail(BinaryMessages.MapHeader, out error);
        }
        // Every entry takes at least 14 bytes: a count the frame cannot hold is rejected before walking it.
        if (count > (ulong)((frame.Length - n) / (BinaryFormat.MapEntryFixedSize + 1)))
        {
            return BinaryMessageReader.Fail(BinaryMessages.MapEntries, out error);
        }

        var first = n;
        for (var i = 0UL; i < count; i++)
        {
            n += BinaryFormat.MapEntryFixedSize;
            if (!Varint.TryRead(frame, ref n, out var ack) || ack > long.MaxValue) return BinaryMessageReader.Fail(BinaryMessages.MapEntries, out error);
        }
        if (n != frame.Length) return BinaryMessageReader.Fail(BinaryMessages.MapEntries, out error);

        reader = new BinaryMapReader(frame, first, frame[1], BinaryPrimitives.ReadInt64LittleEndian(frame[2..]), (long)tick, (int)count);
        error = default;
        return true;
    }

    /// <summary>Reads the next entry; false after the last one.</summary>
    /// <param name="entry">The entry, when the result is true.</param>
    public bool TryReadEntry(out BinaryMapEntry entry)
    {
        if (_read >= Count)
        {
            entry = default;
            return false;
        }
        var e = _frame[_position..];
        var x = BinaryPrimitives.ReadInt32LittleEndian(e);
        var y = BinaryPrimitives.ReadInt32LittleEndian(e[4..]);
        var vx = BinaryPrimitives.ReadInt16LittleEndian(e[8..]);
        var vy = BinaryPrimitives.ReadInt16LittleEndian(e[10..]);
        int hp = e[12];
        _position += BinaryFormat.MapEntryFixedSize;
        Varint.TryRead(_frame, ref _position, out var ack); // validated by TryOpen
        const double scale = BinaryFormat.CentiUnitsPerUnit;
        entry = new BinaryMapEntry(_read++, x / scale, y / scale, vx / scale, vy / scale, hp, (long)ack);
        return true;
    }
}
