using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// Parses and validates one client → server message from the UTF-8 bytes of a text frame
/// (shared protocol.md, "Client → server", and the v1.1 additions: <c>join.max</c>, <c>rooms.watch</c>, <c>chat.to</c>,
/// <c>relay</c>, <c>draw</c>, <c>clear</c>).
/// </summary>
/// <remarks>
/// Rules: the frame must hold exactly one JSON object with a string <c>type</c>, which may appear anywhere in
/// the object. Properties the type does not define are ignored (they are allowed extensions), whatever their
/// value; of a repeated property the last one wins, as in JavaScript's <c>JSON.parse</c>. An optional field
/// set to <c>null</c> counts as absent. Malformed JSON, a missing or non-string <c>type</c>, a wrong value type or
/// an out-of-range value give <see cref="ErrorCode.BadRequest"/>; a <c>type</c> the protocol does not define gives
/// <see cref="ErrorCode.UnknownType"/>. Parsing an <c>input</c> allocates nothing. A message valid for the parser may
/// still be refused by the server (an unknown <c>kind</c>, a <c>max</c> outside the kind's range, <c>draw</c> outside a
/// board: shared protocol.md v1.1).
/// </remarks>
public static partial class ClientMessageParser
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    /// <summary>Parses <paramref name="utf8Json"/> into a validated message.</summary>
    /// <param name="utf8Json">The frame's bytes (UTF-8 JSON).</param>
    /// <param name="message">The message, when the result is true.</param>
    /// <param name="error">Why it was rejected, when the result is false.</param>
    /// <returns>True when the frame is a valid message.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        if (TryReadPlainInput(utf8Json, out var input))
        {
            // The common case, read in one pass; anything it does not decide is parsed below.
            message = ClientMessage.ForInput(input);
            error = default;
            return true;
        }
        return TryParseGeneral(utf8Json, out message, out error);
    }

    /// <summary>
    /// <see cref="TryParse"/> without the one-pass reader of plain inputs: a first pass over the whole frame for its type,
    /// then a second for the type's fields.
    /// </summary>
    internal static bool TryParseGeneral(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        message = default;
        try
        {
            if (!TryReadType(utf8Json, out var type, out error)) return false;
            return type switch
            {
                ClientMessageType.Hello => TryParseHello(utf8Json, out message, out error),
                ClientMessageType.Time => TryParseTime(utf8Json, out message, out error),
                ClientMessageType.Rooms => TryParseRooms(utf8Json, out message, out error),
                ClientMessageType.Join => TryParseJoin(utf8Json, out message, out error),
                ClientMessageType.Input => TryParseInput(utf8Json, out message, out error),
                ClientMessageType.Chat => TryParseChat(utf8Json, out message, out error),
                ClientMessageType.Leave => Ok(ClientMessage.Leave(), out message, out error),
                ClientMessageType.Relay => TryParseRelay(utf8Json, out message, out error),
                ClientMessageType.Draw => TryParseDraw(utf8Json, out message, out error),
                ClientMessageType.Clear => Ok(ClientMessage.Clear(), out message, out error),
                _ => Fail(ErrorCode.UnknownType, Messages.UnknownType, out error),
            };
        }
        catch (JsonException)
        {
            return Fail(ErrorCode.BadRequest, Messages.MalformedJson, out error);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString on a string that is not valid UTF-8.
            return Fail(ErrorCode.BadRequest, Messages.MalformedJson, out error);
        }
    }

    /// <summary>First pass: checks the whole frame is one well-formed JSON object and finds its <c>type</c>.</summary>
    private static bool TryReadType(ReadOnlySpan<byte> utf8Json, out ClientMessageType type, out ProtocolError error)
    {
        type = default;
        var reader = new Utf8JsonReader(utf8Json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail(ErrorCode.BadRequest, Messages.NotAnObject, out error);
        }

        var found = false;
        var known = false;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Fail(ErrorCode.BadRequest, Messages.TypeNotString, out error);
                }
                found = true;
                known = TryMatchType(ref reader, out type);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Anything after the object (a second value, garbage) makes Read throw; whitespace is fine.
        if (reader.Read()) return Fail(ErrorCode.BadRequest, Messages.MalformedJson, out error);

        if (!found) return Fail(ErrorCode.BadRequest, Messages.TypeMissing, out error);
        if (!known) return Fail(ErrorCode.UnknownType, Messages.UnknownType, out error);
        error = default;
        return true;
    }

    private static bool TryMatchType(ref Utf8JsonReader reader, out ClientMessageType type)
    {
        if (reader.ValueTextEquals("input"u8)) type = ClientMessageType.Input;
        else if (reader.ValueTextEquals("time"u8)) type = ClientMessageType.Time;
        else if (reader.ValueTextEquals("hello"u8)) type = ClientMessageType.Hello;
        else if (reader.ValueTextEquals("join"u8)) type = ClientMessageType.Join;
        else if (reader.ValueTextEquals("chat"u8)) type = ClientMessageType.Chat;
        else if (reader.ValueTextEquals("leave"u8)) type = ClientMessageType.Leave;
        else if (reader.ValueTextEquals("rooms"u8)) type = ClientMessageType.Rooms;
        else if (reader.ValueTextEquals("relay"u8)) type = ClientMessageType.Relay;
        else if (reader.ValueTextEquals("draw"u8)) type = ClientMessageType.Draw;
        else if (reader.ValueTextEquals("clear"u8)) type = ClientMessageType.Clear;
        else
        {
            type = default;
            return false;
        }
        return true;
    }

    /// <summary>Starts a second pass over a frame the first pass accepted, positioned inside the root object.</summary>
    private static Utf8JsonReader OpenObject(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        reader.Read();
        return reader;
    }

    /// <summary>Moves to the next property name of the object the reader is in; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    /// <summary>Skips the value of the property the reader is on (an unknown or irrelevant property).</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static bool Ok(ClientMessage parsed, out ClientMessage message, out ProtocolError error)
    {
        message = parsed;
        error = default;
        return true;
    }

    private static bool Fail(ErrorCode code, string text, out ProtocolError error)
    {
        error = new ProtocolError(code, text);
        return false;
    }

    private static bool Fail(ErrorCode code, string text, out ClientMessage message, out ProtocolError error)
    {
        message = default;
        return Fail(code, text, out error);
    }
}
