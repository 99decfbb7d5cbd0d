using System.Text.Json;
using System.Text.Unicode;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>Second pass of <see cref="ClientMessageParser"/>: the messages of the v1.1 room kinds (<c>relay</c>, <c>draw</c>).</summary>
public static partial class ClientMessageParser
{
    /// <summary>
    /// <c>relay</c>: <c>data</c> (required, any JSON value, at most <see cref="ProtocolLimits.MaxRelayDataBytes"/> bytes
    /// as sent, kept raw) and optional <c>to</c> (shared protocol.md v1.1, kind <c>relay</c>).
    /// </summary>
    private static bool TryParseRelay(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        var dataStart = -1;
        var dataLength = 0;
        string? to = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                // TokenStartIndex: the value's first byte (a string's opening quote); after Skip the reader is on the
                // value's last token (itself for a primitive), and BytesConsumed is just past the value's last byte.
                var start = checked((int)reader.TokenStartIndex);
                reader.Skip();
                var length = checked((int)reader.BytesConsumed) - start;
                if (length > ProtocolLimits.MaxRelayDataBytes) return Fail(ErrorCode.BadRequest, Messages.RelayData, out message, out error);
                dataStart = start;
                dataLength = length;
            }
            else if (reader.ValueTextEquals("to"u8))
            {
                reader.Read();
                if (!TryReadPlayerId(ref reader, out to)) return Fail(ErrorCode.BadRequest, Messages.RelayTo, out message, out error);
            }
            else SkipValue(ref reader);
        }

        if (dataStart < 0) return Fail(ErrorCode.BadRequest, Messages.RelayData, out message, out error);
        var data = utf8Json.Slice(dataStart, dataLength);
        // The reader checks the JSON grammar but not the UTF-8 inside strings; the bytes go out unchanged in text frames.
        if (!Utf8.IsValid(data)) return Fail(ErrorCode.BadRequest, Messages.RelayDataUtf8, out message, out error);
        return Ok(ClientMessage.Relay(data.ToArray(), to), out message, out error);
    }

    /// <summary>
    /// <c>draw</c>: <c>points</c> (2–256 <c>[x, y]</c> pairs, each in 0–1000), <c>color</c> (<c>[r, g, b]</c>, integers
    /// 0–255) and <c>width</c> (1–40), all required (shared protocol.md v1.1, kind <c>board</c>). Allocates the points
    /// array (exactly its size) and nothing else.
    /// </summary>
    private static bool TryParseDraw(ReadOnlySpan<byte> utf8Json, out ClientMessage message, out ProtocolError error)
    {
        var reader = OpenObject(utf8Json);
        Span<float> points = stackalloc float[ProtocolLimits.MaxDrawPoints * 2];
        var floats = -1;
        Rgb? color = null;
        float? width = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("points"u8))
            {
                reader.Read();
                if (!TryReadPoints(ref reader, points, out floats)) return Fail(ErrorCode.BadRequest, Messages.DrawPoints, out message, out error);
            }
            else if (reader.ValueTextEquals("color"u8))
            {
                reader.Read();
                if (!TryReadColor(ref reader, out var value)) return Fail(ErrorCode.BadRequest, Messages.DrawColor, out message, out error);
                color = value;
            }
            else if (reader.ValueTextEquals("width"u8))
            {
                reader.Read();
                if (!TryGetFinite(ref reader, out var value) || value is < ProtocolLimits.MinDrawWidth or > ProtocolLimits.MaxDrawWidth)
                {
                    return Fail(ErrorCode.BadRequest, Messages.DrawWidth, out message, out error);
                }
                width = (float)value;
            }
            else SkipValue(ref reader);
        }

        if (floats < 0) return Fail(ErrorCode.BadRequest, Messages.DrawPoints, out message, out error);
        if (color is not { } rgb) return Fail(ErrorCode.BadRequest, Messages.DrawColor, out message, out error);
        if (width is not { } w) return Fail(ErrorCode.BadRequest, Messages.DrawWidth, out message, out error);
        return Ok(ClientMessage.Draw(points[..floats].ToArray(), rgb, w), out message, out error);
    }

    /// <summary>
    /// Reads <c>[[x, y], …]</c>: 2–256 pairs of finite numbers, each in 0–1000, into <paramref name="points"/>
    /// interleaved; <paramref name="floats"/> is how many floats were written (twice the points). The reader ends on the
    /// outer array's end.
    /// </summary>
    private static bool TryReadPoints(ref Utf8JsonReader reader, scoped Span<float> points, out int floats)
    {
        floats = 0;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (floats == ProtocolLimits.MaxDrawPoints * 2 || reader.TokenType != JsonTokenType.StartArray) return false;
            reader.Read();
            if (!TryGetCoordinate(ref reader, out var x)) return false;
            reader.Read();
            if (!TryGetCoordinate(ref reader, out var y)) return false;
            reader.Read();
            if (reader.TokenType != JsonTokenType.EndArray) return false;
            points[floats++] = x;
            points[floats++] = y;
        }
        return floats >= ProtocolLimits.MinDrawPoints * 2;
    }

    private static bool TryGetCoordinate(ref Utf8JsonReader reader, out float value)
    {
        value = 0;
        if (!TryGetFinite(ref reader, out var d) || d is < ProtocolLimits.MinDrawCoordinate or > ProtocolLimits.MaxDrawCoordinate) return false;
        value = (float)d;
        return true;
    }

    /// <summary>Reads <c>[r, g, b]</c>: exactly three integers, each 0–255. The reader ends on the array's end.</summary>
    private static bool TryReadColor(ref Utf8JsonReader reader, out Rgb color)
    {
        color = default;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        reader.Read();
        if (!TryGetChannel(ref reader, out var r)) return false;
        reader.Read();
        if (!TryGetChannel(ref reader, out var g)) return false;
        reader.Read();
        if (!TryGetChannel(ref reader, out var b)) return false;
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray) return false;
        color = new Rgb(r, g, b);
        return true;
    }

    private static bool TryGetChannel(ref Utf8JsonReader reader, out byte value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out value);
    }
}
