using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// Writes the messages of the binary encoding (docs/protocol-binary.md): <c>map</c> and <c>roster</c> for the server,
/// <c>input</c> for clients. Allocates nothing beyond what the output grows by.
/// </summary>
public static class BinaryMessageWriter
{
    /// <summary>
    /// Writes the binary <c>map</c> of <paramref name="snapshot"/>: tag, roster version, time, tick, count, then per player
    /// x, y (i32) and vx, vy (i16) in centi-units, hp (u8) and ack (varint).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="snapshot">The room's state after a tick.</param>
    /// <param name="roster">The roster the client has for this room; its ids must be the snapshot's, in order.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="roster"/> does not match the snapshot's players (<see cref="BinaryRoster.Matches"/>).</exception>
    public static int WriteMap(IBufferWriter<byte> output, RoomSnapshot snapshot, BinaryRoster roster)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(roster);
        if (!roster.Matches(snapshot.Players))
        {
            throw new ArgumentException("The roster's ids are not the snapshot's players in order; send a new roster first.", nameof(roster));
        }
        return WriteMapUnchecked(output, snapshot, roster.Version);
    }

    /// <summary>Writes the <c>map</c> without checking the roster (the caller just did).</summary>
    internal static int WriteMapUnchecked(IBufferWriter<byte> output, RoomSnapshot snapshot, byte rosterVersion)
    {
        var players = snapshot.Players;
        var span = output.GetSpan(BinaryFormat.MaxMapSize(players.Length));
        span[0] = BinaryFormat.MapTag;
        span[1] = rosterVersion;
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], snapshot.Time);
        var n = BinaryFormat.MapFixedHeaderSize;
        Varint.Write(span, ref n, NonNegative(snapshot.Tick));
        Varint.Write(span, ref n, (ulong)players.Length);
        foreach (var p in players)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[n..], Centi32(p.X));
            BinaryPrimitives.WriteInt32LittleEndian(span[(n + 4)..], Centi32(p.Y));
            BinaryPrimitives.WriteInt16LittleEndian(span[(n + 8)..], Centi16(p.Vx));
            BinaryPrimitives.WriteInt16LittleEndian(span[(n + 10)..], Centi16(p.Vy));
            span[n + 12] = (byte)Math.Clamp(p.Hp, 0, 255);
            n += BinaryFormat.MapEntryFixedSize;
            Varint.Write(span, ref n, NonNegative(p.Ack));
        }
        output.Advance(n);
        return n;
    }

    /// <summary>Writes the <c>roster</c>: tag, version, count, then each id as a varint length and its UTF-8 bytes.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="roster">The roster.</param>
    /// <returns>Bytes written.</returns>
    public static int WriteRoster(IBufferWriter<byte> output, BinaryRoster roster)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(roster);
        var ids = roster.Ids;
        var span = output.GetSpan(2 + Varint.MaxLength + ids.Length * (2 + BinaryFormat.MaxRosterIdBytes));
        span[0] = BinaryFormat.RosterTag;
        span[1] = roster.Version;
        var n = 2;
        Varint.Write(span, ref n, (ulong)ids.Length);
        foreach (var id in ids)
        {
            Varint.Write(span, ref n, (ulong)Encoding.UTF8.GetByteCount(id));
            n += Encoding.UTF8.GetBytes(id, span[n..]);
        }
        output.Advance(n);
        return n;
    }

    /// <summary>Writes a binary <c>input</c>: tag, seq (varint), time (f64), vx, vy (f32), flags (bit 0: attack).</summary>
    /// <param name="destination">At least <see cref="BinaryFormat.MaxInputSize"/> bytes (or as many as this input needs).</param>
    /// <param name="input">The input; validated as the server will (seq ≥ 0, time finite, vx and vy finite in [-1, 1]).</param>
    /// <returns>Bytes written: 19 to 27.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value the server would reject.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int WriteInput(Span<byte> destination, in PlayerInput input)
    {
        if (input.Seq < 0) throw new ArgumentOutOfRangeException(nameof(input), input.Seq, "seq must be >= 0.");
        if (!double.IsFinite(input.ClientTime)) throw new ArgumentOutOfRangeException(nameof(input), input.ClientTime, "time must be finite.");
        if (!IsUnit(input.Vx) || !IsUnit(input.Vy)) throw new ArgumentOutOfRangeException(nameof(input), (input.Vx, input.Vy), "vx and vy must be finite and in [-1, 1].");
        var size = BinaryFormat.MinInputSize - 1 + Varint.SizeOf((ulong)input.Seq);
        if (destination.Length < size) throw new ArgumentException($"The destination ({destination.Length} bytes) is too small for this input ({size} bytes).", nameof(destination));

        destination[0] = BinaryFormat.InputTag;
        var n = 1;
        Varint.Write(destination, ref n, (ulong)input.Seq);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[n..], input.ClientTime);
        BinaryPrimitives.WriteSingleLittleEndian(destination[(n + 8)..], input.Vx);
        BinaryPrimitives.WriteSingleLittleEndian(destination[(n + 12)..], input.Vy);
        destination[n + 16] = input.Attack ? BinaryFormat.AttackFlag : (byte)0;
        return n + 17;
    }

    private static bool IsUnit(float value) => float.IsFinite(value) && value is >= -1f and <= 1f;

    private static ulong NonNegative(long value) => value < 0 ? 0 : (ulong)value;

    /// <summary><c>round(v × 100)</c>, half away from zero — the JSON map's 2-decimal rounding — saturated to i32; NaN is 0.</summary>
    private static int Centi32(float value)
    {
        var c = Math.Round((double)value * BinaryFormat.CentiUnitsPerUnit, MidpointRounding.AwayFromZero);
        if (double.IsNaN(c)) return 0;
        return c >= int.MaxValue ? int.MaxValue : c <= int.MinValue ? int.MinValue : (int)c;
    }

    /// <summary>As <see cref="Centi32"/>, saturated to i16 (±327.67 units/s).</summary>
    private static short Centi16(float value)
    {
        var c = Math.Round((double)value * BinaryFormat.CentiUnitsPerUnit, MidpointRounding.AwayFromZero);
        if (double.IsNaN(c)) return 0;
        return c >= short.MaxValue ? short.MaxValue : c <= short.MinValue ? short.MinValue : (short)c;
    }
}
