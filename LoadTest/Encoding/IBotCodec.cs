using System.Net.WebSockets;

namespace Game.LoadTest;

/// <summary>
/// Encodes what a bot sends and decodes what it receives, for one wire encoding. Keeps the bot independent of the
/// encoding: JSON (shared protocol.md) or the binary encoding negotiated in <c>hello</c> (docs/protocol-binary.md).
/// </summary>
/// <remarks>Implementations are stateless and shared by every bot of a run: all members must be thread-safe; what a
/// codec must remember between one bot's messages (the binary roster) lives in that bot's <see cref="BotCodecState"/>.
/// <see cref="EncodeInput"/> and <see cref="Decode"/> run 20 times per second per bot and must not allocate.</remarks>
public interface IBotCodec
{
    /// <summary>The encoding this codec speaks.</summary>
    BotEncoding Encoding { get; }

    /// <summary>The WebSocket frame type of <c>input</c> (text for JSON, binary for the binary encoding).
    /// <c>hello</c> and <c>join</c> are always JSON text frames.</summary>
    WebSocketMessageType InputMessageType { get; }

    /// <summary>Bytes an <see cref="EncodeInput"/> destination must have room for.</summary>
    int MaxInputSize { get; }

    /// <summary>Encodes <c>hello</c> (a JSON text frame), negotiating this codec's encoding if it is not the default.</summary>
    /// <param name="name">The player name, 1–24 chars.</param>
    /// <returns>The frame payload.</returns>
    byte[] EncodeHello(string name);

    /// <summary>Encodes <c>join</c> (a JSON text frame) for a room of <paramref name="kind"/> (join-or-create).</summary>
    /// <param name="room">The room id, 1–32 chars of <c>[A-Za-z0-9_-]</c>.</param>
    /// <param name="kind">The room kind, sent as <c>kind</c> (also the default, arena: the join says what the bot plays).</param>
    /// <param name="max">The capacity to create the room with (<c>max</c>, v1.1), or null to send none.</param>
    /// <returns>The frame payload.</returns>
    byte[] EncodeJoin(string room, RoomKind kind = RoomKind.Arena, int? max = null);

    /// <summary>Encodes an <c>input</c> into <paramref name="destination"/> without allocating; send it as <see cref="InputMessageType"/>.</summary>
    /// <param name="input">The input.</param>
    /// <param name="destination">At least <see cref="MaxInputSize"/> bytes.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    int EncodeInput(in BotInput input, Span<byte> destination);

    /// <summary>Decodes one complete server message. For a <c>map</c>, only the entry of <paramref name="playerId"/> is looked at.</summary>
    /// <param name="message">The whole frame payload.</param>
    /// <param name="frameType">The frame's type: text (JSON) or binary.</param>
    /// <param name="playerId">This bot's player id, UTF-8; may be empty before <c>welcome</c>.</param>
    /// <param name="state">This bot's decoding state, updated by messages that change it (a binary <c>roster</c>, <c>joined</c>).</param>
    /// <returns>The decoded message; <see cref="ServerMessage.Malformed"/> when it cannot be decoded. Never throws on bad input.</returns>
    ServerMessage Decode(ReadOnlySpan<byte> message, WebSocketMessageType frameType, ReadOnlySpan<byte> playerId, ref BotCodecState state);
}
