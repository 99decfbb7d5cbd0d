using System.Buffers;
using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>The room stream's items: <c>map</c> and the room events.</summary>
public sealed partial class JsonMessageWriter
{
    /// <inheritdoc />
    public void Encode(RoomEvent item, IBufferWriter<byte> output)
    {
        switch (item)
        {
            case RoomSnapshot snapshot: WriteMap(output, snapshot); break;
            case PlayerJoinedEvent e: WritePlayerJoined(output, e.Id, e.Name, e.Color, e.Waiting); break;
            case PlayerLeftEvent e: WritePlayerLeft(output, e.Id, e.Waiting); break;
            case KindEvent e: WriteKindEvent(output, e); break;
            case PlayerAwayEvent e: WritePlayerAway(output, e.Id, e.Away); break;
            case PlayerAttackedEvent e: WritePlayerAttacked(output, e); break;
            case PlayerKilledEvent e: WritePlayerKilled(output, e); break;
            case HostChangedEvent e: WriteHostChanged(output, e); break;
            case ChatEvent e: WriteChat(output, e); break;
            default: throw new ArgumentException($"No JSON message for room event {item?.GetType().Name ?? "null"}.", nameof(item));
        }
    }

    /// <summary>
    /// Writes <c>{"type":"map","time","tick","player":{id:[x,y,vx,vy,hp,ack]}}</c>, with x, y, vx and vy rounded
    /// to 2 decimals. Allocates nothing.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="snapshot">The room's state after a tick.</param>
    public void WriteMap(IBufferWriter<byte> output, RoomSnapshot snapshot)
    {
        var json = Begin(output, WireNames.Map);
        json.WriteNumber(WireNames.Time, snapshot.Time);
        json.WriteNumber(WireNames.Tick, snapshot.Tick);
        json.WriteStartObject(WireNames.Player);
        foreach (var p in snapshot.Players)
        {
            json.WriteStartArray(p.Id);
            WriteRounded2(json, p.X);
            WriteRounded2(json, p.Y);
            WriteRounded2(json, p.Vx);
            WriteRounded2(json, p.Vy);
            json.WriteNumberValue(p.Hp);
            json.WriteNumberValue(p.Ack);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        End(json);
    }

    /// <summary>Writes <c>{"type":"player_joined","id","name","color":[r,g,b]}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="e">The event.</param>
    public void WritePlayerJoined(IBufferWriter<byte> output, PlayerJoinedEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WritePlayerJoined(output, e.Id, e.Name, e.Color);
    }

    /// <summary>
    /// Writes <c>{"type":"player_joined","id","name","color":[r,g,b]}</c>, with <c>"waiting"</c> when given (kind relay,
    /// shared protocol.md v1.1).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="playerId">The player who joined.</param>
    /// <param name="name">Their display name.</param>
    /// <param name="color">Their colour.</param>
    /// <param name="waiting">The room's waiting flag after the join (relay), or null to leave the field out (v1).</param>
    public void WritePlayerJoined(IBufferWriter<byte> output, string playerId, string name, Rgb color, bool? waiting = null)
    {
        var json = Begin(output, WireNames.PlayerJoined);
        json.WriteString(WireNames.Id, playerId);
        json.WriteString(WireNames.Name, name);
        WriteColor(json, color);
        if (waiting is { } w) json.WriteBoolean(WireNames.Waiting, w);
        End(json);
    }

    /// <summary>Writes <c>{"type":"player_attacked","id","by","hp"}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="e">The event.</param>
    public void WritePlayerAttacked(IBufferWriter<byte> output, PlayerAttackedEvent e)
    {
        var json = Begin(output, WireNames.PlayerAttacked);
        json.WriteString(WireNames.Id, e.Id);
        json.WriteString(WireNames.By, e.By);
        json.WriteNumber(WireNames.Hp, e.Hp);
        End(json);
    }

    /// <summary>Writes <c>{"type":"player_killed","id","by"}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="e">The event.</param>
    public void WritePlayerKilled(IBufferWriter<byte> output, PlayerKilledEvent e)
    {
        var json = Begin(output, WireNames.PlayerKilled);
        json.WriteString(WireNames.Id, e.Id);
        json.WriteString(WireNames.By, e.By);
        End(json);
    }

    /// <summary>Writes <c>{"type":"host_changed","id"}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="e">The event.</param>
    public void WriteHostChanged(IBufferWriter<byte> output, HostChangedEvent e)
    {
        var json = Begin(output, WireNames.HostChanged);
        json.WriteString(WireNames.Id, e.Id);
        End(json);
    }

    /// <summary>Writes <c>{"type":"chat","from","text","time"}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="e">The event.</param>
    public void WriteChat(IBufferWriter<byte> output, ChatEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        WriteChat(output, e.From, e.Text, e.Time);
    }

    /// <summary>Rounds to 2 decimals for the wire (protocol: positions and velocities); −0 becomes 0.</summary>
    internal static double Round2(float value) => Math.Round((double)value, 2, MidpointRounding.AwayFromZero) + 0.0;

    /// <summary>
    /// Writes <paramref name="value"/> rounded to 2 decimals (<see cref="Round2"/>) as the same text that
    /// <c>WriteNumberValue(Round2(value))</c> writes (the shortest that reads back as that double: <c>12.5</c>, <c>-3</c>,
    /// <c>0.07</c>), from the whole hundredths, without the general shortest-digits search: an 8-player <c>map</c> in
    /// 0.64 µs instead of 1.8 (docs/performance.md, "Seventh pass"). Values of 10¹³ or more, infinities and NaN go the
    /// general way (NaN and infinities throw <see cref="ArgumentException"/> there, as before).
    /// </summary>
    internal static void WriteRounded2(Utf8JsonWriter json, float value)
    {
        // Round2 scales by 100, rounds and scales back; the scaled value is a whole number of hundredths.
        var hundredths = Math.Round((double)value * 100, MidpointRounding.AwayFromZero);
        if (!(Math.Abs(hundredths) < 1e15))
        {
            json.WriteNumberValue(Round2(value));
            return;
        }
        // A decimal of at most 15 significant digits reads back from the double nearest to it, so its own digits are the
        // shortest text of that double: the whole part, then the hundredths without trailing zeros.
        var cents = (long)hundredths;
        Span<byte> text = stackalloc byte[24];
        var length = 0;
        if (cents < 0)
        {
            text[length++] = (byte)'-';
            cents = -cents;
        }
        System.Buffers.Text.Utf8Formatter.TryFormat(cents / 100, text[length..], out var written);
        length += written;
        var fraction = (int)(cents % 100);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            text[length++] = (byte)('0' + fraction / 10);
            if (fraction % 10 != 0) text[length++] = (byte)('0' + fraction % 10);
        }
        json.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>
    /// Writes <c>{"type":"player_away","id","away"}</c>: a seated player's connection dropped (true; the seat is kept for
    /// the 30 s resume grace) or came back (false). This project's extension of the protocol (docs/protocol.md).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="playerId">The player.</param>
    /// <param name="away">Whether its connection is gone.</param>
    public void WritePlayerAway(IBufferWriter<byte> output, string playerId, bool away)
    {
        var json = Begin(output, JsonEncodedText.Encode("player_away"));
        json.WriteString("id", playerId);
        json.WriteBoolean("away", away);
        End(json);
    }
}
