using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// One validated client → server message (shared protocol.md). A value type so that parsing the frequent
/// <c>input</c> message allocates nothing; only the fields of <see cref="Type"/> are set, the rest are default.
/// </summary>
public readonly struct ClientMessage
{
    private ClientMessage(ClientMessageType type, string? name = null, string? token = null, double clientTime = 0,
        string? room = null, string? kind = null, string? password = null, PlayerInput input = default, string? text = null,
        WireEncoding encoding = WireEncoding.Json)
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

    /// <summary><c>join.kind</c>: the room kind; <see cref="ProtocolLimits.DefaultRoomKind"/> when absent. Null for other types.</summary>
    public string? Kind { get; }

    /// <summary><c>join.password</c>, or null when absent.</summary>
    public string? Password { get; }

    /// <summary>The <c>input</c> message: seq (≥ 0), client time (ms), direction (each in [-1, 1]) and attack. Default for other types.</summary>
    public PlayerInput Input { get; }

    /// <summary><c>chat.text</c>: 1–200 chars. Null for other types.</summary>
    public string? Text { get; }

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
    public static ClientMessage Rooms() => new(ClientMessageType.Rooms);

    /// <summary>A <c>join</c>.</summary>
    /// <param name="room">Room id.</param>
    /// <param name="kind">Room kind.</param>
    /// <param name="password">Password, or null.</param>
    public static ClientMessage Join(string room, string kind, string? password) => new(ClientMessageType.Join, room: room, kind: kind, password: password);

    /// <summary>An <c>input</c>.</summary>
    /// <param name="input">The validated input.</param>
    public static ClientMessage ForInput(PlayerInput input) => new(ClientMessageType.Input, input: input);

    /// <summary>A <c>chat</c> line.</summary>
    /// <param name="text">The text, 1–200 chars.</param>
    public static ClientMessage Chat(string text) => new(ClientMessageType.Chat, text: text);

    /// <summary>A <c>leave</c>.</summary>
    public static ClientMessage Leave() => new(ClientMessageType.Leave);
}
