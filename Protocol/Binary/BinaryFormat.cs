namespace Game.Protocol;

/// <summary>
/// The tags and fixed sizes of the binary encoding (docs/protocol-binary.md). Little-endian throughout; positions and
/// velocities in centi-units (0.01 world units), exactly the JSON <c>map</c>'s 2-decimal rounding.
/// </summary>
public static class BinaryFormat
{
    /// <summary>Tag of <c>map</c> (server → client): roster version, time, tick, then one entry per roster id.</summary>
    public const byte MapTag = 0x01;

    /// <summary>Tag of <c>roster</c> (server → client): the ids a <c>map</c>'s entries follow, in order.</summary>
    public const byte RosterTag = 0x02;

    /// <summary>Tag of <c>input</c> (client → server). The high bit marks client → server tags.</summary>
    public const byte InputTag = 0x81;

    /// <summary>Bit of the <c>input</c> flags byte that means <c>attack</c>; the other bits must be 0.</summary>
    public const byte AttackFlag = 0x01;

    /// <summary>Centi-units per world unit: a value <c>v</c> is sent as <c>round(v × 100)</c>, half away from zero.</summary>
    public const int CentiUnitsPerUnit = 100;

    /// <summary>Bytes of a <c>map</c> before its first varint: tag, roster version, time (i64).</summary>
    public const int MapFixedHeaderSize = 1 + 1 + 8;

    /// <summary>Bytes of a <c>map</c> entry before its <c>ack</c> varint: x, y (i32), vx, vy (i16), hp (u8).</summary>
    public const int MapEntryFixedSize = 4 + 4 + 2 + 2 + 1;

    /// <summary>Longest <c>map</c> entry: the fixed part and a 10-byte ack.</summary>
    public const int MaxMapEntrySize = MapEntryFixedSize + Varint.MaxLength;

    /// <summary>Longest <c>input</c>: tag, a 9-byte seq (2⁶³−1), time (f64), vx, vy (f32), flags.</summary>
    public const int MaxInputSize = 1 + 9 + 8 + 4 + 4 + 1;

    /// <summary>Shortest <c>input</c>: as <see cref="MaxInputSize"/> with a 1-byte seq.</summary>
    public const int MinInputSize = 1 + 1 + 8 + 4 + 4 + 1;

    /// <summary>Longest player id a <c>roster</c> carries, in UTF-8 bytes.</summary>
    public const int MaxRosterIdBytes = 255;

    /// <summary>The largest size of a <c>map</c> of <paramref name="count"/> players (for buffer sizing).</summary>
    /// <param name="count">Entries, ≥ 0.</param>
    public static int MaxMapSize(int count) => MapFixedHeaderSize + 2 * Varint.MaxLength + count * MaxMapEntrySize;
}
