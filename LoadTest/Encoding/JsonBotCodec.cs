using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace Game.LoadTest;

/// <summary>
/// The JSON encoding of wire protocol v1 (shared protocol.md): UTF-8 text frames, one message per frame.
/// Inputs are written byte by byte into the caller's buffer; <c>map</c> is read with a
/// <see cref="Utf8JsonReader"/> that skips everything but this bot's entry, without building a DOM.
/// </summary>
public sealed class JsonBotCodec : IBotCodec
{
    /// <summary>The shared instance (the codec is stateless).</summary>
    public static JsonBotCodec Instance { get; } = new();

    private JsonBotCodec()
    {
    }

    /// <inheritdoc />
    public BotEncoding Encoding => BotEncoding.Json;

    /// <inheritdoc />
    public WebSocketMessageType InputMessageType => WebSocketMessageType.Text;

    /// <inheritdoc />
    /// <remarks>128 bytes: the longest input is about 110 bytes (20-digit seq and time, two 6-char components, attack).</remarks>
    public int MaxInputSize => 128;

    /// <inheritdoc />
    public byte[] EncodeHello(string name) => EncodeHello(name, encoding: null);

    /// <summary>Encodes <c>hello</c> with <c>"encoding"</c> when <paramref name="encoding"/> is set (the binary codec's hello).</summary>
    internal static byte[] EncodeHello(string name, string? encoding)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Write(w =>
        {
            w.WriteString("type"u8, "hello"u8);
            w.WriteString("name"u8, name);
            if (encoding is not null)
            {
                w.WriteString("encoding"u8, encoding);
            }
        });
    }

    /// <inheritdoc />
    public byte[] EncodeJoin(string room, RoomKind kind = RoomKind.Arena, int? max = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        return Write(w =>
        {
            w.WriteString("type"u8, "join"u8);
            w.WriteString("room"u8, room);
            w.WriteString("kind"u8, kind.WireName());
            if (max is { } m)
            {
                w.WriteNumber("max"u8, m);
            }
        });
    }

    /// <summary>Bytes a destination of <see cref="EncodeRelay"/> or <see cref="EncodeDraw"/> must have room for (both stay under 120).</summary>
    public const int MaxKindMessageSize = 128;

    /// <summary>
    /// Encodes a relay bot's message to every other player of its room (v1.1 <c>relay</c> without <c>to</c>):
    /// <c>{"type":"relay","data":{"seq":n,"t":sentMs}}</c>, without allocating.
    /// </summary>
    /// <param name="seq">The bot's relay number, from 1.</param>
    /// <param name="sentMs">The send time, ms on the run's clock (µs resolution): receivers compute now − t.</param>
    /// <param name="destination">At least <see cref="MaxKindMessageSize"/> bytes.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int EncodeRelay(long seq, double sentMs, Span<byte> destination)
    {
        var d = destination;
        var n = 0;
        if (!Append(d, ref n, "{\"type\":\"relay\",\"data\":{\"seq\":"u8)
            || !seq.TryFormat(d[n..], out var w1, default, CultureInfo.InvariantCulture))
        {
            throw TooSmall(destination);
        }
        n += w1;
        if (!double.IsFinite(sentMs))
        {
            sentMs = 0;
        }
        if (!Append(d, ref n, ",\"t\":"u8)
            || !sentMs.TryFormat(d[n..], out var w2, "0.###", CultureInfo.InvariantCulture))
        {
            throw TooSmall(destination);
        }
        n += w2;
        if (!Append(d, ref n, "}}"u8))
        {
            throw TooSmall(destination);
        }
        return n;
    }

    /// <summary>
    /// Encodes a board bot's small stroke (v1.1 <c>draw</c>) without allocating: 2–4 points (2 + seq mod 3), the first
    /// <c>[seq mod 1000, seq / 1000 mod 1000]</c> so the bot knows its stroke when it comes back, the others a short line
    /// from it; a colour and a width 1–8 that vary with <paramref name="seq"/>.
    /// </summary>
    /// <param name="seq">The bot's stroke number, from 1.</param>
    /// <param name="destination">At least <see cref="MaxKindMessageSize"/> bytes.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int EncodeDraw(long seq, Span<byte> destination)
    {
        var d = destination;
        var n = 0;
        var x = (int)(seq % 1000);
        var y = (int)(seq / 1000 % 1000);
        var points = 2 + (int)(seq % 3);
        var ok = Append(d, ref n, "{\"type\":\"draw\",\"points\":["u8);
        for (var i = 0; ok && i < points; i++)
        {
            // The first point carries the seq; the next ones step 7 units right and down, kept inside 0–1000.
            var px = Math.Min(1000, x + (7 * i));
            var py = Math.Min(1000, y + (7 * i));
            ok = (i == 0 || Append(d, ref n, ","u8)) && Append(d, ref n, "["u8) && AppendInt(d, ref n, px)
                && Append(d, ref n, ","u8) && AppendInt(d, ref n, py) && Append(d, ref n, "]"u8);
        }
        ok = ok && Append(d, ref n, "],\"color\":["u8) && AppendInt(d, ref n, (int)(seq * 37 % 256))
            && Append(d, ref n, ","u8) && AppendInt(d, ref n, (int)(seq * 91 % 256))
            && Append(d, ref n, ","u8) && AppendInt(d, ref n, (int)(seq * 53 % 256))
            && Append(d, ref n, "],\"width\":"u8) && AppendInt(d, ref n, 1 + (int)(seq % 8))
            && Append(d, ref n, "}"u8);
        if (!ok)
        {
            throw TooSmall(destination);
        }
        return n;
    }

    /// <summary>The full seq of a stroke from the 0–999,999 number its first point carries, given the bot's last sent seq.</summary>
    /// <param name="carried">The number read back (<see cref="ServerMessage.Seq"/> of a <c>draw</c>).</param>
    /// <param name="lastSent">The highest seq the bot has sent.</param>
    /// <returns>The most recent seq ≤ <paramref name="lastSent"/> that carries that number.</returns>
    public static long DrawSeqFrom(long carried, long lastSent)
    {
        const long Span = 1_000_000;
        var back = (((lastSent - carried) % Span) + Span) % Span;
        return lastSent - back;
    }

    /// <inheritdoc />
    public int EncodeInput(in BotInput input, Span<byte> destination)
    {
        var d = destination;
        var n = 0;
        if (!Append(d, ref n, "{\"type\":\"input\",\"seq\":"u8)
            || !input.Seq.TryFormat(d[n..], out var w1, default, CultureInfo.InvariantCulture))
        {
            throw TooSmall(destination);
        }
        n += w1;
        if (!Append(d, ref n, ",\"time\":"u8)
            || !input.ClientTimeMs.TryFormat(d[n..], out var w2, default, CultureInfo.InvariantCulture))
        {
            throw TooSmall(destination);
        }
        n += w2;
        if (!Append(d, ref n, ",\"input\":["u8) || !AppendComponent(d, ref n, input.Vx)
            || !Append(d, ref n, ","u8) || !AppendComponent(d, ref n, input.Vy)
            || !Append(d, ref n, "]"u8)
            || (input.Attack && !Append(d, ref n, ",\"attack\":true"u8))
            || !Append(d, ref n, "}"u8))
        {
            throw TooSmall(destination);
        }
        return n;
    }

    /// <inheritdoc />
    /// <remarks>A binary frame is <see cref="ServerMessage.Malformed"/>: a JSON connection gets none.</remarks>
    public ServerMessage Decode(ReadOnlySpan<byte> message, WebSocketMessageType frameType, ReadOnlySpan<byte> playerId, ref BotCodecState state) =>
        frameType == WebSocketMessageType.Text ? DecodeText(message, playerId) : ServerMessage.Malformed;

    /// <summary>Decodes a JSON text frame (also the text frames of the binary encoding).</summary>
    internal static ServerMessage DecodeText(ReadOnlySpan<byte> message, ReadOnlySpan<byte> playerId)
    {
        try
        {
            return DecodeCore(message, playerId);
        }
        catch (JsonException)
        {
            return ServerMessage.Malformed;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader getters throw this on a token of the wrong type (e.g. "code": 5).
            return ServerMessage.Malformed;
        }
    }

    private static ServerMessage DecodeCore(ReadOnlySpan<byte> message, ReadOnlySpan<byte> playerId)
    {
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ServerMessage.Malformed;
        }

        var kind = (ServerMessageKind?)null;
        long ack = -1;
        long seq = -1;
        var sentMs = double.NaN;
        var fromSelf = false;
        string? id = null, you = null, code = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return ServerMessage.Malformed;
                }
                kind = ClassifyType(ref reader);
                if (kind == ServerMessageKind.Map && ack >= 0)
                {
                    break; // already have everything a map needs
                }
            }
            else if (reader.ValueTextEquals("player"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject && !playerId.IsEmpty)
                {
                    ack = ReadOwnAck(ref reader, playerId);
                    if (kind == ServerMessageKind.Map)
                    {
                        break;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (kind == ServerMessageKind.Map && reader.ValueTextEquals("tick"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var tick) && tick >= 0)
                {
                    seq = tick;
                }
            }
            else if ((kind is null or ServerMessageKind.Relay or ServerMessageKind.Draw) && reader.ValueTextEquals("from"u8))
            {
                reader.Read();
                fromSelf = reader.TokenType == JsonTokenType.String && !playerId.IsEmpty && reader.ValueTextEquals(playerId);
                reader.Skip();
            }
            else if ((kind is null or ServerMessageKind.Relay) && reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                ReadRelayData(ref reader, ref seq, ref sentMs);
            }
            else if ((kind is null or ServerMessageKind.Draw) && reader.ValueTextEquals("points"u8))
            {
                reader.Read();
                seq = ReadFirstPointSeq(ref reader);
            }
            else if ((kind is null or ServerMessageKind.Welcome or ServerMessageKind.Joined or ServerMessageKind.Error)
                     && (reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("you"u8) || reader.ValueTextEquals("code"u8)))
            {
                // Only allocated for the rare messages that carry them (welcome, joined, error).
                var which = reader.ValueTextEquals("id"u8) ? 0 : reader.ValueTextEquals("you"u8) ? 1 : 2;
                reader.Read();
                var text = ReadScalarAsString(ref reader);
                switch (which)
                {
                    case 0: id = text; break;
                    case 1: you = text; break;
                    default: code = text; break;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return kind switch
        {
            null => ServerMessage.Malformed,
            ServerMessageKind.Map => new ServerMessage(ServerMessageKind.Map, ack, null, null, seq),
            ServerMessageKind.Welcome => new ServerMessage(ServerMessageKind.Welcome, -1, id, null),
            ServerMessageKind.Joined => new ServerMessage(ServerMessageKind.Joined, -1, you, null),
            ServerMessageKind.Error => new ServerMessage(ServerMessageKind.Error, -1, null, code ?? "unknown"),
            ServerMessageKind.Relay => new ServerMessage(ServerMessageKind.Relay, -1, null, null, seq, sentMs, fromSelf),
            ServerMessageKind.Draw => new ServerMessage(ServerMessageKind.Draw, -1, null, null, seq, double.NaN, fromSelf),
            _ => new ServerMessage(kind.Value, -1, null, null),
        };
    }

    private static ServerMessageKind ClassifyType(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("map"u8))
        {
            return ServerMessageKind.Map;
        }
        if (reader.ValueTextEquals("error"u8))
        {
            return ServerMessageKind.Error;
        }
        if (reader.ValueTextEquals("welcome"u8))
        {
            return ServerMessageKind.Welcome;
        }
        if (reader.ValueTextEquals("joined"u8))
        {
            return ServerMessageKind.Joined;
        }
        if (reader.ValueTextEquals("relay"u8))
        {
            return ServerMessageKind.Relay;
        }
        if (reader.ValueTextEquals("draw"u8))
        {
            return ServerMessageKind.Draw;
        }
        return ServerMessageKind.Other;
    }

    /// <summary>Reader on the <c>player</c> object's StartObject; leaves it on the object's EndObject.</summary>
    private static long ReadOwnAck(ref Utf8JsonReader reader, ReadOnlySpan<byte> playerId)
    {
        long ack = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var mine = reader.ValueTextEquals(playerId);
            reader.Read();
            if (!mine || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            // [x, y, vx, vy, hp, ack]: the sixth element.
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (index == 5 && reader.TokenType == JsonTokenType.Number)
                {
                    ack = reader.TryGetInt64(out var v) ? v : (long)reader.GetDouble();
                }
                reader.Skip();
                index++;
            }
        }
        return ack;
    }

    /// <summary>Reader on <c>data</c>'s first token; reads <c>seq</c> and <c>t</c> of an object, skips anything else. Leaves it on the value's last token.</summary>
    private static void ReadRelayData(ref Utf8JsonReader reader, ref long seq, ref double sentMs)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = reader.ValueTextEquals("seq"u8) ? 1 : reader.ValueTextEquals("t"u8) ? 2 : 0;
            reader.Read();
            if (which != 0 && reader.TokenType == JsonTokenType.Number)
            {
                if (which == 1)
                {
                    seq = reader.TryGetInt64(out var v) ? v : (long)reader.GetDouble();
                }
                else
                {
                    sentMs = reader.GetDouble();
                }
            }
            reader.Skip();
        }
    }

    /// <summary>Reader on <c>points</c>' first token; returns x + 1000 y of the first <c>[x, y]</c> (rounded), or -1. Leaves it on the value's last token.</summary>
    private static long ReadFirstPointSeq(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return -1;
        }
        long result = -1;
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first && reader.TokenType == JsonTokenType.StartArray)
            {
                (double X, double Y) coords = (double.NaN, double.NaN);
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Number && index < 2)
                    {
                        coords = index == 0 ? (reader.GetDouble(), coords.Y) : (coords.X, reader.GetDouble());
                    }
                    reader.Skip();
                    index++;
                }
                if (double.IsFinite(coords.X) && double.IsFinite(coords.Y) && coords.X >= 0 && coords.Y >= 0)
                {
                    result = (long)Math.Round(coords.X) + (1000 * (long)Math.Round(coords.Y));
                }
            }
            else
            {
                reader.Skip();
            }
            first = false;
        }
        return result;
    }

    private static bool AppendInt(Span<byte> d, ref int n, int value)
    {
        if (!value.TryFormat(d[n..], out var written, default, CultureInfo.InvariantCulture))
        {
            return false;
        }
        n += written;
        return true;
    }

    private static string? ReadScalarAsString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => SkipAndNull(ref reader),
    };

    private static string? SkipAndNull(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private static bool AppendComponent(Span<byte> d, ref int n, float value)
    {
        if (!float.IsFinite(value))
        {
            value = 0;
        }
        value = Math.Clamp(value, -1f, 1f);
        if (!value.TryFormat(d[n..], out var written, "0.###", CultureInfo.InvariantCulture))
        {
            return false;
        }
        n += written;
        return true;
    }

    private static bool Append(Span<byte> d, ref int n, ReadOnlySpan<byte> literal)
    {
        if (!literal.TryCopyTo(d[n..]))
        {
            return false;
        }
        n += literal.Length;
        return true;
    }

    private static ArgumentException TooSmall(Span<byte> destination) =>
        new($"The destination ({destination.Length} bytes) is too small for an input message.", nameof(destination));

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
