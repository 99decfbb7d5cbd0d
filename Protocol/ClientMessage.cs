using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// One validated client → server message (shared protocol.md, v1 and v1.1). A value type so that parsing the frequent
/// <c>input</c> message allocates nothing; only the fields of <see cref="Type"/> are set, the rest are default.
/// </summary>
public readonly struct ClientMessage
{
    private readonly byte[]? _data;

    private ClientMessage(ClientMessageType type, string? name = null, string? token = null, double clientTime = 0,
        string? room = null, string? kind = null, string? password = null, PlayerInput input = default, string? text = null,
        WireEncoding encoding = WireEncoding.Json, int? max = null, bool? watch = null, string? to = null, byte[]? data = null,
        float[]? points = null, Rgb color = default, float width = 0)
    {
        Type = type;
        Name = name;
        Token = token;
        Encoding = encoding;
        ClientTime = clientTime;
        Room = room;
        Kind = kind;
        Password = password;
        Input = input;
        Text = text;
        Max = max;
        Watch = watch;
        To = to;
        _data = data;
        Points = points;
        Color = color;
        Width = width;
    }

    /// <summary>The message type.</summary>
    public ClientMessageType Type { get; }

    /// <summary><c>hello.name</c>: the display name, 1–24 chars. Null for other types.</summary>
    public string? Name { get; }

    /// <summary><c>hello.token</c>: the resume token, or null when absent (a new session).</summary>
    public string? Token { get; }

    /// <summary>
    /// <c>hello.encoding</c>: the encoding the client asks for (docs/protocol-binary.md); <see cref="WireEncoding.Json"/>
    /// when absent, and for other types.
    /// </summary>
    public WireEncoding Encoding { get; }

    /// <summary><c>time.t</c>: the client's clock, ms (finite). 0 for other types.</summary>
    public double ClientTime { get; }

    /// <summary><c>join.room</c>: the room id, 1–32 chars of <c>[A-Za-z0-9_-]</c>. Null for other types.</summary>
    public string? Room { get; }

    /// <summary>
    /// <c>join.kind</c>: the room kind, 1–16 chars of <c>[a-z0-9_-]</c> (shared protocol.md v1.1; whether it exists is
    /// the server's decision: an unknown kind is <c>bad_request</c> from the server); <see cref="ProtocolLimits.DefaultRoomKind"/> when absent.
    /// Null for other types.
    /// </summary>
    public string? Kind { get; }

    /// <summary><c>join.password</c>, or null when absent.</summary>
    public string? Password { get; }

    /// <summary>The <c>input</c> message: seq (≥ 0), client time (ms), direction (each in [-1, 1]) and attack. Default for other types.</summary>
    public PlayerInput Input { get; }

    /// <summary><c>chat.text</c>: 1–200 chars. Null for other types.</summary>
    public string? Text { get; }

    /// <summary>
    /// <c>join.max</c>: the capacity the creator asks for, players, an integer in
    /// [<see cref="ProtocolLimits.MinRoomCapacity"/>, <see cref="ProtocolLimits.MaxRoomCapacity"/>] (1–1000); the
    /// per-kind range (relay 2–16, pong 2, board 2–32) is the server's to check (shared protocol.md v1.1,
    /// "Joining with options"). Null when absent, and for other types.
    /// </summary>
    public int? Max { get; }

    /// <summary>
    /// <c>rooms.watch</c>: true to receive <c>rooms</c> again whenever the list changes, false to stop (shared
    /// protocol.md v1.1, "Live lobby"). Null when absent (a one-off request, as in v1), and for other types.
    /// </summary>
    public bool? Watch { get; }

    /// <summary>
    /// <c>chat.to</c> or <c>relay.to</c>: the recipient's player id, 1–32 chars of <c>[A-Za-z0-9_-]</c> (shared
    /// protocol.md v1.1). Null when absent (chat: the sender's room; relay: every other player in the room), and for
    /// other types.
    /// </summary>
    public string? To { get; }

    /// <summary>
    /// <c>relay.data</c>: the raw UTF-8 bytes of the value exactly as they appear in the frame (first to last byte of
    /// the value, inner whitespace and escapes kept), to be relayed byte-for-byte (shared protocol.md v1.1, kind
    /// <c>relay</c>); 1–2048 bytes (<see cref="ProtocolLimits.MaxRelayDataBytes"/>), valid UTF-8, one JSON value (a
    /// <c>null</c> value is kept as the 4 bytes <c>null</c>). A copy owned by the message (backed by an array of
    /// exactly that length, so <see cref="System.Runtime.InteropServices.MemoryMarshal.TryGetArray{T}"/> gives it
    /// without copying): it outlives the frame buffer. Empty for other types.
    /// </summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>
    /// <c>draw.points</c>, interleaved: <c>[x0, y0, x1, y1, …]</c>, board units, each in 0–1000; 2–256 points, so the
    /// array holds 4–512 floats (shared protocol.md v1.1, kind <c>board</c>). Owned by the message. Null for other types.
    /// </summary>
    public float[]? Points { get; }

    /// <summary><c>draw.color</c>: <c>[r, g, b]</c>, each an integer 0–255 (shared protocol.md v1.1, kind <c>board</c>). Default for other types.</summary>
    public Rgb Color { get; }

    /// <summary><c>draw.width</c>: the stroke width, board units, 1–40 (shared protocol.md v1.1, kind <c>board</c>). 0 for other types.</summary>
    public float Width { get; }

    /// <summary>A <c>hello</c>.</summary>
    /// <param name="name">Display name, 1–24 chars.</param>
    /// <param name="token">Resume token, or null.</param>
    /// <param name="encoding">The encoding asked for (<c>hello.encoding</c>); JSON by default.</param>
    public static ClientMessage Hello(string name, string? token, WireEncoding encoding = WireEncoding.Json)
        => new(ClientMessageType.Hello, name: name, token: token, encoding: encoding);

    /// <summary>A <c>time</c> probe.</summary>
    /// <param name="clientTime">The client's clock, ms.</param>
    public static ClientMessage Time(double clientTime) => new(ClientMessageType.Time, clientTime: clientTime);

    /// <summary>A <c>rooms</c> request.</summary>
    /// <param name="watch">
    /// <c>rooms.watch</c> (shared protocol.md v1.1): true to keep receiving the list, false to stop, null when absent.
    /// </param>
    public static ClientMessage Rooms(bool? watch = null) => new(ClientMessageType.Rooms, watch: watch);

    /// <summary>A <c>join</c>.</summary>
    /// <param name="room">Room id.</param>
    /// <param name="kind">Room kind.</param>
    /// <param name="password">Password, or null.</param>
    /// <param name="max">Capacity asked for, players (<c>join.max</c>, shared protocol.md v1.1), or null when absent.</param>
    public static ClientMessage Join(string room, string kind, string? password, int? max = null)
        => new(ClientMessageType.Join, room: room, kind: kind, password: password, max: max);

    /// <summary>An <c>input</c>.</summary>
    /// <param name="input">The validated input.</param>
    public static ClientMessage ForInput(PlayerInput input) => new(ClientMessageType.Input, input: input);

    /// <summary>A <c>chat</c> line.</summary>
    /// <param name="text">The text, 1–200 chars.</param>
    /// <param name="to">The recipient's player id (<c>chat.to</c>, shared protocol.md v1.1), or null for the sender's room.</param>
    public static ClientMessage Chat(string text, string? to = null) => new(ClientMessageType.Chat, text: text, to: to);

    /// <summary>A <c>leave</c>.</summary>
    public static ClientMessage Leave() => new(ClientMessageType.Leave);

    /// <summary>A <c>relay</c> (shared protocol.md v1.1, kind <c>relay</c>).</summary>
    /// <param name="data">The raw UTF-8 bytes of <c>relay.data</c> as received; the message keeps this array (no copy).</param>
    /// <param name="to">The recipient's player id, or null for every other player in the room.</param>
    public static ClientMessage Relay(byte[] data, string? to)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new(ClientMessageType.Relay, data: data, to: to);
    }

    /// <summary>A <c>draw</c> (shared protocol.md v1.1, kind <c>board</c>).</summary>
    /// <param name="points">Interleaved <c>[x0, y0, x1, y1, …]</c>, board units; the message keeps this array (no copy).</param>
    /// <param name="color">The stroke colour.</param>
    /// <param name="width">The stroke width, board units.</param>
    public static ClientMessage Draw(float[] points, Rgb color, float width)
    {
        ArgumentNullException.ThrowIfNull(points);
        return new(ClientMessageType.Draw, points: points, color: color, width: width);
    }

    /// <summary>A <c>clear</c> (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public static ClientMessage Clear() => new(ClientMessageType.Clear);
}
