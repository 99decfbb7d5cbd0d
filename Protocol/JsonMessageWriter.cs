using System.Buffers;
using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// Writes server → client messages of wire protocol v1 and v1.1 as UTF-8 JSON (shared protocol.md, "Server → client"
/// and v1.1), one complete message per call, appended to an <see cref="IBufferWriter{T}"/>.
/// </summary>
/// <remarks>
/// Reuses one <see cref="Utf8JsonWriter"/>, so writing allocates nothing beyond what the output buffer grows by.
/// Not thread-safe: use one instance per connection or per room feed. Strings are escaped with the default
/// (HTML-safe) encoder; non-ASCII text is sent as <c>\uXXXX</c> escapes, which every JSON parser reads back.
/// </remarks>
public sealed partial class JsonMessageWriter : IRoomEventEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };
    private Utf8JsonWriter? _json;

    /// <inheritdoc />
    public MessageFormat Format => MessageFormat.Text;

    /// <summary>
    /// Writes <c>{"type":"welcome","id","token","time","encoding"}</c>; <c>encoding</c> (<c>"json"</c> or <c>"binary"</c>)
    /// echoes the encoding now in effect for the connection (docs/protocol-binary.md).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="playerId">The player id.</param>
    /// <param name="token">The resume token.</param>
    /// <param name="serverTime">Server time, ms since the Unix epoch.</param>
    /// <param name="encoding">The connection's encoding.</param>
    public void WriteWelcome(IBufferWriter<byte> output, string playerId, string token, long serverTime, WireEncoding encoding = WireEncoding.Json)
    {
        var json = Begin(output, WireNames.Welcome);
        json.WriteString(WireNames.Id, playerId);
        json.WriteString(WireNames.Token, token);
        json.WriteNumber(WireNames.Time, serverTime);
        json.WriteString(WireNames.Encoding, encoding == WireEncoding.Binary ? WireNames.Binary : WireNames.Json);
        End(json);
    }

    /// <summary>Writes <c>{"type":"time","t","server"}</c>: the client's clock echoed and the server's.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="clientTime">The <c>t</c> the client sent, ms (finite).</param>
    /// <param name="serverTime">Server time, ms since the Unix epoch.</param>
    public void WriteTime(IBufferWriter<byte> output, double clientTime, long serverTime)
    {
        var json = Begin(output, WireNames.TimeType);
        json.WriteNumber(WireNames.T, clientTime);
        json.WriteNumber(WireNames.Server, serverTime);
        End(json);
    }

    /// <summary>Writes <c>{"type":"rooms","rooms":[{id,kind,players,max,locked}]}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="rooms">The room list, in the order to send.</param>
    public void WriteRooms(IBufferWriter<byte> output, IReadOnlyList<RoomSummary> rooms)
    {
        var json = Begin(output, WireNames.RoomsType);
        json.WriteStartArray(WireNames.Rooms);
        for (var i = 0; i < rooms.Count; i++)
        {
            var room = rooms[i];
            json.WriteStartObject();
            json.WriteString(WireNames.Id, room.Id);
            json.WriteString(WireNames.Kind, room.Kind);
            json.WriteNumber(WireNames.Players, room.Players);
            json.WriteNumber(WireNames.Max, room.Max);
            json.WriteBoolean(WireNames.Locked, room.Locked);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        End(json);
    }

    /// <summary>
    /// Writes the arena's <c>joined</c>:
    /// <c>{"type":"joined","room","kind","you","host","max","tick","world":[w,h],"players":{id:{name,color:[r,g,b]}}}</c>,
    /// with <c>max</c> = <see cref="ProtocolLimits.ArenaCapacity"/> (8). Other kinds (v1.1) use
    /// <see cref="WriteJoined(IBufferWriter{byte}, RoomJoined, in JoinedOptions)"/>.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="joined">The seat.</param>
    public void WriteJoined(IBufferWriter<byte> output, RoomJoined joined)
        => WriteJoined(output, joined, new JoinedOptions(ProtocolLimits.ArenaCapacity));

    /// <summary>
    /// Writes a v1.1 <c>joined</c> (shared protocol.md v1.1, "Joining with options"):
    /// <c>{"type":"joined","room","kind","you","host","max","tick","world":[w,h],"waiting","players":{id:{name,color}},"strokes":[…]}</c>,
    /// where <c>tick</c> and <c>world</c> are written only when <see cref="JoinedOptions.Ticks"/>, <c>waiting</c> and
    /// <c>strokes</c> only when set. Each stroke is <c>{"from","id","points":[[x,y],…],"color":[r,g,b],"width"}</c>, as
    /// in the server's <c>draw</c> without its <c>type</c>.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="joined">The seat (its <see cref="RoomJoined.TickHz"/> and world size are ignored unless the kind ticks).</param>
    /// <param name="options">Capacity, ticking, waiting flag and board history.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="JoinedOptions.Max"/> is below 1 (e.g. <c>default(JoinedOptions)</c>).</exception>
    /// <exception cref="ArgumentException">A stroke's points have an odd number of floats (nothing is written).</exception>
    public void WriteJoined(IBufferWriter<byte> output, RoomJoined joined, in JoinedOptions options)
    {
        ArgumentNullException.ThrowIfNull(joined);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Max, 1, nameof(options));
        if (options.Strokes is { } toCheck)
        {
            for (var i = 0; i < toCheck.Count; i++) CheckPoints(toCheck[i]);
        }
        var json = Begin(output, WireNames.Joined);
        json.WriteString(WireNames.Room, joined.Room);
        json.WriteString(WireNames.Kind, joined.Kind);
        json.WriteString(WireNames.You, joined.You);
        json.WriteString(WireNames.Host, joined.Host);
        json.WriteNumber(WireNames.Max, options.Max);
        if (options.Ticks)
        {
            json.WriteNumber(WireNames.Tick, joined.TickHz);
            json.WriteStartArray(WireNames.World);
            json.WriteNumberValue(joined.WorldWidth);
            json.WriteNumberValue(joined.WorldHeight);
            json.WriteEndArray();
        }
        if (options.Waiting is { } waiting) json.WriteBoolean(WireNames.Waiting, waiting);
        json.WriteStartObject(WireNames.Players);
        foreach (var (id, profile) in joined.Players)
        {
            json.WriteStartObject(id);
            json.WriteString(WireNames.Name, profile.Name);
            WriteColor(json, profile.Color);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        if (options.Strokes is { } strokes)
        {
            json.WriteStartArray(WireNames.Strokes);
            for (var i = 0; i < strokes.Count; i++)
            {
                json.WriteStartObject();
                WriteStrokeFields(json, strokes[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (options.ExtraMembers is { Length: > 0 } extra) EndWithRawMembers(json, output, extra);
        else End(json);
    }

    /// <summary>
    /// Ends the message with <paramref name="members"/> (JSON object members without braces, from a room kind) after the
    /// members written so far: <c>,members}</c>. The writer leaves the object open; its bytes are flushed first.
    /// </summary>
    private static void EndWithRawMembers(Utf8JsonWriter json, IBufferWriter<byte> output, string members)
    {
        json.Flush();
        var span = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(members.Length) + 2);
        span[0] = (byte)',';
        var written = System.Text.Encoding.UTF8.GetBytes(members, span[1..]);
        span[1 + written] = (byte)'}';
        output.Advance(written + 2);
    }

    /// <summary>
    /// Writes a room kind's own message (<see cref="KindEvent"/>): <c>{"type":<see cref="KindEvent.Type"/>,<see cref="KindEvent.Members"/>}</c>,
    /// the members as the kind made them (docs/room-kinds.md).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="e">The kind's event.</param>
    public void WriteKindEvent(IBufferWriter<byte> output, KindEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var json = Begin(output, JsonEncodedText.Encode(e.Type));
        if (e.Members.Length > 0) EndWithRawMembers(json, output, e.Members);
        else End(json);
    }

    /// <summary>
    /// Writes <c>{"type":"player_left","id"}</c> (also the reply to the leaver's own <c>leave</c>), with
    /// <c>"waiting"</c> when given (kind relay, shared protocol.md v1.1).
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="playerId">The player who left.</param>
    /// <param name="waiting">The room's waiting flag after the leave (relay), or null to leave the field out (v1).</param>
    public void WritePlayerLeft(IBufferWriter<byte> output, string playerId, bool? waiting = null)
    {
        var json = Begin(output, WireNames.PlayerLeft);
        json.WriteString(WireNames.Id, playerId);
        if (waiting is { } w) json.WriteBoolean(WireNames.Waiting, w);
        End(json);
    }

    /// <summary>Writes <c>{"type":"error","code","message"}</c>.</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="code">The error; sent as its wire string (<see cref="ErrorCodes.ToWire"/>).</param>
    /// <param name="message">Detail for humans.</param>
    public void WriteError(IBufferWriter<byte> output, ErrorCode code, string message)
    {
        var json = Begin(output, WireNames.Error);
        json.WriteString(WireNames.Code, ErrorCodes.ToWire(code));
        json.WriteString(WireNames.Message, message);
        End(json);
    }

    /// <summary>
    /// Writes <c>{"type":"error","code","message"}</c> with <paramref name="code"/> as the wire string, for codes
    /// <see cref="ErrorCode"/> may not have (shared protocol.md v1.1: <c>unknown_player</c>, <c>not_host</c>,
    /// <c>wrong_kind</c>). Prefer <see cref="WriteError(IBufferWriter{byte}, ErrorCode, string)"/>.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="code">The wire code, e.g. <c>"not_host"</c>; not empty.</param>
    /// <param name="message">Detail for humans.</param>
    public void WriteError(IBufferWriter<byte> output, string code, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var json = Begin(output, WireNames.Error);
        json.WriteString(WireNames.Code, code);
        json.WriteString(WireNames.Message, message);
        End(json);
    }

    /// <summary>Starts a message: resets the reused writer onto <paramref name="output"/> and writes <c>{"type":…</c>.</summary>
    private Utf8JsonWriter Begin(IBufferWriter<byte> output, JsonEncodedText type)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_json is null) _json = new Utf8JsonWriter(output, WriterOptions);
        else _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteString(WireNames.Type, type);
        return _json;
    }

    /// <summary>Ends the message and flushes it into the output buffer.</summary>
    private static void End(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteColor(Utf8JsonWriter json, Rgb color)
    {
        json.WriteStartArray(WireNames.Color);
        json.WriteNumberValue(color.R);
        json.WriteNumberValue(color.G);
        json.WriteNumberValue(color.B);
        json.WriteEndArray();
    }
}
