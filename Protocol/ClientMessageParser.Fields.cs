using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>Second pass of <see cref="ClientMessageParser"/>: the fields of each message type.</summary>
public static partial class ClientMessageParser
{
    private static bool TryParseHello(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        string? name = null;
        string? token = null;
        var encoding = WireEncoding.Json;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) return Fail(ErrorCode.BadRequest, Messages.HelloName, out message, out error);
                name = reader.GetString();
            }
            else if (reader.ValueTextEquals("token"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) token = null;
                else if (reader.TokenType == JsonTokenType.String) token = reader.GetString();
                else return Fail(ErrorCode.BadRequest, Messages.HelloToken, out message, out error);
            }
            else if (reader.ValueTextEquals("encoding"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) encoding = WireEncoding.Json;
                else if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("json"u8)) encoding = WireEncoding.Json;
                else if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("binary"u8)) encoding = WireEncoding.Binary;
                else return Fail(ErrorCode.BadRequest, Messages.HelloEncoding, out message, out error);
            }
            else SkipValue(ref reader);
        }

        if (name is null) return Fail(ErrorCode.BadRequest, Messages.HelloName, out message, out error);
        if (NormalizeName(name) is not { } normalized) return Fail(ErrorCode.BadRequest, Messages.HelloNameCharacters, out message, out error);
        if (normalized.Length is < 1 or > ProtocolLimits.MaxNameLength) return Fail(ErrorCode.BadRequest, Messages.HelloName, out message, out error);
        if (string.IsNullOrWhiteSpace(normalized)) return Fail(ErrorCode.BadRequest, Messages.HelloNameBlank, out message, out error);
        return Ok(ClientMessage.Hello(normalized, token, encoding), out message, out error);
    }

    /// <summary>
    /// <c>hello.name</c> rules (shared protocol.md v1.1, "Connections and operators"; project rule against look-alike and
    /// reordered names): the name is put in Unicode normalisation form C, and may hold no control or format characters
    /// (categories Cc and Cf: e.g. U+0000–U+001F, U+202E right-to-left override, U+200B zero-width space, U+FEFF) and no
    /// unpaired surrogates. Its length (1–24 UTF-16 code units) is checked after normalising; a blank name is refused too.
    /// </summary>
    /// <returns>The NFC form, or null when the name holds a character that is not allowed.</returns>
    private static string? NormalizeName(string name)
    {
        string normalized;
        try
        {
            normalized = UnicodeNfc.Normalize(name); // not string.Normalize: a no-op under InvariantGlobalization
        }
        catch (ArgumentException)
        {
            return null; // unpaired surrogate or other invalid code point
        }
        var rest = normalized.AsSpan();
        while (!rest.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done) return null;
            var category = System.Text.Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format) return null;
            rest = rest[used..];
        }
        return normalized;
    }

    private static bool TryParseTime(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        double? t = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                if (!TryGetFinite(ref reader, out var value)) return Fail(ErrorCode.BadRequest, Messages.TimeT, out message, out error);
                t = value;
            }
            else SkipValue(ref reader);
        }

        if (t is not { } clientTime) return Fail(ErrorCode.BadRequest, Messages.TimeT, out message, out error);
        return Ok(ClientMessage.Time(clientTime), out message, out error);
    }

    private static bool TryParseJoin(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        string? room = null;
        string? kind = null;
        string? password = null;
        int? max = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("room"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) return Fail(ErrorCode.BadRequest, Messages.JoinRoom, out message, out error);
                room = reader.GetString();
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) kind = null;
                else if (reader.TokenType == JsonTokenType.String) kind = reader.GetString();
                else return Fail(ErrorCode.BadRequest, Messages.JoinKind, out message, out error);
            }
            else if (reader.ValueTextEquals("password"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) password = null;
                else if (reader.TokenType == JsonTokenType.String) password = reader.GetString();
                else return Fail(ErrorCode.BadRequest, Messages.JoinPassword, out message, out error);
            }
            else if (reader.ValueTextEquals("max"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) max = null;
                else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value)
                    && value is >= ProtocolLimits.MinRoomCapacity and <= ProtocolLimits.MaxRoomCapacity) max = value;
                else return Fail(ErrorCode.BadRequest, Messages.JoinMax, out message, out error);
            }
            else SkipValue(ref reader);
        }

        if (room is null || !ProtocolLimits.IsValidRoomId(room)) return Fail(ErrorCode.BadRequest, Messages.JoinRoom, out message, out error);
        if (kind is not null && !ProtocolLimits.IsValidKind(kind)) return Fail(ErrorCode.BadRequest, Messages.JoinKind, out message, out error);
        return Ok(ClientMessage.Join(room, kind ?? ProtocolLimits.DefaultRoomKind, password, max), out message, out error);
    }

    private static bool TryParseInput(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        long? seq = null;
        double? time = null;
        bool hasDirection = false;
        double vx = 0, vy = 0;
        var attack = false;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
                {
                    return Fail(ErrorCode.BadRequest, Messages.InputSeq, out message, out error);
                }
                seq = value;
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (!TryGetFinite(ref reader, out var value)) return Fail(ErrorCode.BadRequest, Messages.InputTime, out message, out error);
                time = value;
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                if (!TryReadDirection(ref reader, out vx, out vy)) return Fail(ErrorCode.BadRequest, Messages.InputDirection, out message, out error);
                hasDirection = true;
            }
            else if (reader.ValueTextEquals("attack"u8))
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.True: attack = true; break;
                    case JsonTokenType.False:
                    case JsonTokenType.Null: attack = false; break;
                    default: return Fail(ErrorCode.BadRequest, Messages.InputAttack, out message, out error);
                }
            }
            else SkipValue(ref reader);
        }

        if (seq is not { } s) return Fail(ErrorCode.BadRequest, Messages.InputSeq, out message, out error);
        if (time is not { } t) return Fail(ErrorCode.BadRequest, Messages.InputTime, out message, out error);
        if (!hasDirection) return Fail(ErrorCode.BadRequest, Messages.InputDirection, out message, out error);
        return Ok(ClientMessage.ForInput(new PlayerInput(s, t, (float)vx, (float)vy, attack)), out message, out error);
    }

    /// <summary>Reads <c>[vx, vy]</c>: exactly two finite numbers, each in [-1, 1]. The reader ends on the array's end.</summary>
    private static bool TryReadDirection(ref Utf8JsonReader reader, out double vx, out double vy)
    {
        vx = vy = 0;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        reader.Read();
        if (!TryGetUnit(ref reader, out vx)) return false;
        reader.Read();
        if (!TryGetUnit(ref reader, out vy)) return false;
        reader.Read();
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool TryGetUnit(ref Utf8JsonReader reader, out double value)
        => TryGetFinite(ref reader, out value) && value is >= -1 and <= 1;

    /// <summary>Reads a JSON number as a finite double; a number too large for a double (e.g. <c>1e999</c>) is rejected.</summary>
    private static bool TryGetFinite(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value) && double.IsFinite(value);
    }

    private static bool TryParseChat(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        string? text = null;
        string? to = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) return Fail(ErrorCode.BadRequest, Messages.ChatText, out message, out error);
                text = reader.GetString();
            }
            else if (reader.ValueTextEquals("to"u8))
            {
                reader.Read();
                if (!TryReadPlayerId(ref reader, out to)) return Fail(ErrorCode.BadRequest, Messages.ChatTo, out message, out error);
            }
            else SkipValue(ref reader);
        }

        if (text is null || text.Length is < 1 or > ProtocolLimits.MaxChatLength) return Fail(ErrorCode.BadRequest, Messages.ChatText, out message, out error);
        return Ok(ClientMessage.Chat(text, to), out message, out error);
    }

    private static bool TryParseRooms(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        bool? watch = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("watch"u8))
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.True: watch = true; break;
                    case JsonTokenType.False: watch = false; break;
                    case JsonTokenType.Null: watch = null; break;
                    default: return Fail(ErrorCode.BadRequest, Messages.RoomsWatch, out message, out error);
                }
            }
            else SkipValue(ref reader);
        }
        return Ok(ClientMessage.Rooms(watch), out message, out error);
    }

    /// <summary>
    /// Reads an optional player id (<c>chat.to</c>, <c>relay.to</c>): null (absent) or a string of 1–32 chars of
    /// <c>[A-Za-z0-9_-]</c>. An unescaped id is checked on its raw bytes before a string is made: a bad one allocates nothing.
    /// </summary>
    private static bool TryReadPlayerId(ref Utf8JsonReader reader, out string? playerId)
    {
        playerId = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        if (reader.ValueIsEscaped)
        {
            // Rare (an id has no char that needs escaping): unescape, then check.
            playerId = reader.GetString();
            return ProtocolLimits.IsValidPlayerId(playerId);
        }
        var raw = reader.ValueSpan; // the reader is over one span: never a value sequence
        if (raw.Length is < 1 or > ProtocolLimits.MaxPlayerIdLength) return false;
        foreach (var b in raw)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_' || b == (byte)'-')) return false;
        }
        playerId = reader.GetString();
        return true;
    }

    /// <summary>The texts of parse errors (constants: rejecting a message allocates nothing but the exception, if any).</summary>
    private static class Messages
    {
        public const string MalformedJson = "malformed JSON: a message is one JSON object per frame";
        public const string NotAnObject = "a message must be a JSON object";
        public const string TypeMissing = "the message has no \"type\"";
        public const string TypeNotString = "\"type\" must be a string";
        public const string UnknownType = "unknown message type; known: hello, time, rooms, join, input, chat, leave, relay, draw, clear";
        public const string HelloName = "hello.name must be a string of 1-24 chars";
        public const string HelloNameCharacters = "hello.name must not contain control or format characters (such as U+202E or zero-width characters)";
        public const string HelloNameBlank = "hello.name must not be blank (only whitespace)";
        public const string HelloToken = "hello.token must be a string";
        public const string HelloEncoding = "hello.encoding must be \"json\" or \"binary\"";
        public const string TimeT = "time.t must be a finite number (the client clock, ms)";
        public const string JoinRoom = "join.room must be 1-32 chars of [A-Za-z0-9_-]";
        public const string JoinKind = "join.kind must be 1-16 chars of [a-z0-9_-]";
        public const string JoinMax = "join.max must be an integer from 1 to 1000 (players)";
        public const string JoinPassword = "join.password must be a string";
        public const string InputSeq = "input.seq must be an integer >= 0";
        public const string InputTime = "input.time must be a finite number (the client clock, ms)";
        public const string InputDirection = "input.input must be an array of exactly two numbers, each in [-1, 1]";
        public const string InputAttack = "input.attack must be a boolean";
        public const string ChatText = "chat.text must be a string of 1-200 chars";
        public const string ChatTo = "chat.to must be a player id: 1-32 chars of [A-Za-z0-9_-]";
        public const string RoomsWatch = "rooms.watch must be a boolean";
        public const string RelayData = "relay.data must be a JSON value of at most 2048 bytes (2 KiB) as sent";
        public const string RelayDataUtf8 = "relay.data must be valid UTF-8";
        public const string RelayTo = "relay.to must be a player id: 1-32 chars of [A-Za-z0-9_-]";
        public const string DrawPoints = "draw.points must be an array of 2-256 [x, y] pairs, each number in 0-1000";
        public const string DrawColor = "draw.color must be [r, g, b], each an integer 0-255";
        public const string DrawWidth = "draw.width must be a number from 1 to 40";
    }
}
