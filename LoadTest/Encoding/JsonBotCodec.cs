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
    public byte[] EncodeJoin(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        return Write(w =>
        {
            w.WriteString("type"u8, "join"u8);
            w.WriteString("room"u8, room);
        });
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
            ServerMessageKind.Map => new ServerMessage(ServerMessageKind.Map, ack, null, null),
            ServerMessageKind.Welcome => new ServerMessage(ServerMessageKind.Welcome, -1, id, null),
            ServerMessageKind.Joined => new ServerMessage(ServerMessageKind.Joined, -1, you, null),
            ServerMessageKind.Error => new ServerMessage(ServerMessageKind.Error, -1, null, code ?? "unknown"),
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
