using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Game.Protocol;

/// <summary>The messaging scopes of shared protocol.md v1.1: chat to one player, announcements to everyone, relay.</summary>
public sealed partial class JsonMessageWriter
{
    /// <summary>
    /// Writes <c>{"type":"chat","from","text","time"}</c>, plus <c>"to"</c> for a private message (shared protocol.md
    /// v1.1, "Messaging scopes": sent to the recipient and back to the sender).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="from">Sender's player id.</param>
    /// <param name="text">The text, 1–200 chars.</param>
    /// <param name="time">Server time, ms since the Unix epoch.</param>
    /// <param name="to">The recipient's player id, or null for a room chat (v1: no <c>to</c>).</param>
    public void WriteChat(IBufferWriter<byte> output, string from, string text, long time, string? to = null)
    {
        var json = Begin(output, WireNames.Chat);
        json.WriteString(WireNames.From, from);
        json.WriteString(WireNames.Text, text);
        json.WriteNumber(WireNames.Time, time);
        if (to is not null) json.WriteString(WireNames.To, to);
        End(json);
    }

    /// <summary>
    /// Writes <c>{"type":"announcement","text","time"}</c>: an operator's message to every connected player (shared
    /// protocol.md v1.1, "Messaging scopes").
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="text">The text, 1–200 chars.</param>
    /// <param name="time">Server time, ms since the Unix epoch.</param>
    public void WriteAnnouncement(IBufferWriter<byte> output, string text, long time)
    {
        var json = Begin(output, WireNames.Announcement);
        json.WriteString(WireNames.Text, text);
        json.WriteNumber(WireNames.Time, time);
        End(json);
    }

    /// <summary>
    /// Writes <c>{"type":"relay","from","data":…}</c> with <paramref name="data"/> copied byte-for-byte as the value of
    /// <c>data</c> (shared protocol.md v1.1, kind <c>relay</c>: "<c>data</c> byte-for-byte as received"). Allocates nothing.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="from">Sender's player id.</param>
    /// <param name="data">
    /// The value's raw UTF-8 JSON as the sender sent it (<see cref="ClientMessage.Data"/>): one complete JSON value, no
    /// surrounding whitespace, valid UTF-8. It is checked, not rewritten.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not one JSON value in valid UTF-8 (nothing is written).</exception>
    public void WriteRelay(IBufferWriter<byte> output, string from, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Checked before Begin: a bad value must not leave half a message in the output.
        if (!IsOneJsonValue(data)) throw new ArgumentException("relay data must be one JSON value (raw UTF-8).", nameof(data));
        var json = Begin(output, WireNames.Relay);
        json.WriteString(WireNames.From, from);
        json.WritePropertyName(WireNames.Data);
        json.WriteRawValue(data, skipInputValidation: true);
        End(json);
    }

    /// <summary>Whether <paramref name="utf8"/> is exactly one JSON value in valid UTF-8, with nothing before or after it.</summary>
    private static bool IsOneJsonValue(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || IsJsonWhitespace(utf8[0]) || IsJsonWhitespace(utf8[^1]) || !Utf8.IsValid(utf8)) return false;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read()) return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsJsonWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}
