using System.Buffers.Binary;
using System.Net.WebSockets;

namespace Game.LoadTest;

/// <summary>
/// The binary encoding (docs/protocol-binary.md), negotiated with <c>"encoding":"binary"</c> in <c>hello</c>: inputs
/// go out as binary frames; <c>map</c> and its <c>roster</c> come in as binary frames, everything else as JSON text.
/// </summary>
/// <remarks>
/// Written from the spec, independently of the server's codec (the tester does not reference server projects).
/// A bot reads only what it needs: a <c>roster</c> for its own index (kept in its <see cref="BotCodecState"/>), and from
/// a <c>map</c> only the header and the entries up to its own, whose <c>ack</c> it takes. Nothing allocates.
/// </remarks>
public sealed class BinaryBotCodec : IBotCodec
{
    private const byte MapTag = 0x01;
    private const byte RosterTag = 0x02;
    private const byte InputTag = 0x81;
    private const byte AttackFlag = 0x01;

    /// <summary>Bytes of a <c>map</c> before its tick varint: tag, roster version, time (i64).</summary>
    private const int MapHeaderSize = 10;

    /// <summary>Bytes of a <c>map</c> entry before its ack varint: x, y (i32), vx, vy (i16), hp (u8).</summary>
    private const int EntryFixedSize = 13;

    /// <summary>The shared instance (the codec is stateless).</summary>
    public static BinaryBotCodec Instance { get; } = new();

    private BinaryBotCodec()
    {
    }

    /// <inheritdoc />
    public BotEncoding Encoding => BotEncoding.Binary;

    /// <inheritdoc />
    public WebSocketMessageType InputMessageType => WebSocketMessageType.Binary;

    /// <inheritdoc />
    /// <remarks>32 bytes: the longest binary input is 27 (a 9-byte seq).</remarks>
    public int MaxInputSize => 32;

    /// <inheritdoc />
    /// <remarks>Adds <c>"encoding":"binary"</c>.</remarks>
    public byte[] EncodeHello(string name) => JsonBotCodec.EncodeHello(name, "binary");

    /// <inheritdoc />
    public byte[] EncodeJoin(string room, RoomKind kind = RoomKind.Arena, int? max = null) => JsonBotCodec.Instance.EncodeJoin(room, kind, max);

    /// <inheritdoc />
    /// <remarks>Tag <c>0x81</c>, seq (varint), time (f64), vx, vy (f32: NaN sent as 0, clamped to [-1, 1]), flags (bit 0: attack).</remarks>
    public int EncodeInput(in BotInput input, Span<byte> destination)
    {
        if (destination.Length < MaxInputSize)
        {
            throw new ArgumentException($"The destination ({destination.Length} bytes) is too small for a binary input ({MaxInputSize}).", nameof(destination));
        }
        destination[0] = InputTag;
        var n = 1;
        var seq = (ulong)Math.Max(0, input.Seq);
        while (seq >= 0x80)
        {
            destination[n++] = (byte)(seq | 0x80);
            seq >>= 7;
        }
        destination[n++] = (byte)seq;
        BinaryPrimitives.WriteDoubleLittleEndian(destination[n..], input.ClientTimeMs);
        BinaryPrimitives.WriteSingleLittleEndian(destination[(n + 8)..], Unit(input.Vx));
        BinaryPrimitives.WriteSingleLittleEndian(destination[(n + 12)..], Unit(input.Vy));
        destination[n + 16] = input.Attack ? AttackFlag : (byte)0;
        return n + 17;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Text frames are JSON (<c>joined</c> also forgets the roster). A binary <c>roster</c> updates
    /// <paramref name="state"/> and decodes as <see cref="ServerMessageKind.Other"/>. A binary <c>map</c> gives the bot's ack
    /// (-1 when the bot is not in the roster); one that does not follow the roster held is <see cref="ServerMessage.Malformed"/>
    /// (a server bug the run should count).
    /// </remarks>
    public ServerMessage Decode(ReadOnlySpan<byte> message, WebSocketMessageType frameType, ReadOnlySpan<byte> playerId, ref BotCodecState state)
    {
        if (frameType == WebSocketMessageType.Text)
        {
            var decoded = JsonBotCodec.DecodeText(message, playerId);
            if (decoded.Kind == ServerMessageKind.Joined)
            {
                state.Reset();
            }
            return decoded;
        }
        if (message.IsEmpty)
        {
            return ServerMessage.Malformed;
        }
        return message[0] switch
        {
            MapTag => DecodeMap(message, ref state),
            RosterTag => DecodeRoster(message, playerId, ref state),
            _ => ServerMessage.Malformed,
        };
    }

    /// <summary>Header, then skips the entries before the bot's own and reads its ack.</summary>
    private static ServerMessage DecodeMap(ReadOnlySpan<byte> map, ref BotCodecState state)
    {
        var n = MapHeaderSize;
        if (map.Length < n || !TryReadVarint(map, ref n, out _) || !TryReadVarint(map, ref n, out var count))
        {
            return ServerMessage.Malformed;
        }
        if (map[1] != state.RosterVersion || count != (ulong)state.RosterCount)
        {
            return ServerMessage.Malformed; // a map before (or not matching) its roster
        }
        if (state.OwnIndex < 0)
        {
            return new ServerMessage(ServerMessageKind.Map, -1, null, null);
        }
        for (var i = 0; i < state.OwnIndex; i++)
        {
            n += EntryFixedSize;
            if (!TryReadVarint(map, ref n, out _))
            {
                return ServerMessage.Malformed;
            }
        }
        n += EntryFixedSize;
        if (!TryReadVarint(map, ref n, out var ack) || ack > long.MaxValue)
        {
            return ServerMessage.Malformed;
        }
        return new ServerMessage(ServerMessageKind.Map, (long)ack, null, null);
    }

    /// <summary>Reads a whole roster: its version, its length and the index of <paramref name="playerId"/> in it.</summary>
    private static ServerMessage DecodeRoster(ReadOnlySpan<byte> roster, ReadOnlySpan<byte> playerId, ref BotCodecState state)
    {
        var n = 2;
        if (roster.Length < n || !TryReadVarint(roster, ref n, out var count) || count > (ulong)roster.Length)
        {
            return ServerMessage.Malformed;
        }
        var own = -1;
        for (var i = 0; i < (int)count; i++)
        {
            if (!TryReadVarint(roster, ref n, out var length) || length is < 1 or > 255 || (int)length > roster.Length - n)
            {
                return ServerMessage.Malformed;
            }
            if (own < 0 && !playerId.IsEmpty && roster.Slice(n, (int)length).SequenceEqual(playerId))
            {
                own = i;
            }
            n += (int)length;
        }
        if (n != roster.Length)
        {
            return ServerMessage.Malformed;
        }
        state.RosterVersion = roster[1];
        state.RosterCount = (int)count;
        state.OwnIndex = own;
        return new ServerMessage(ServerMessageKind.Other, -1, null, null);
    }

    /// <summary>An unsigned LEB128 varint of at most 10 bytes and 64 bits.</summary>
    private static bool TryReadVarint(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= source.Length)
            {
                return false;
            }
            var b = source[position++];
            if (shift == 63 && b > 1)
            {
                return false;
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }
        return false;
    }

    private static float Unit(float value) => float.IsFinite(value) ? Math.Clamp(value, -1f, 1f) : 0f;
}
