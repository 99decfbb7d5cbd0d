namespace Game.LoadTest;

/// <summary>The server messages a bot tells apart (shared protocol.md, "Server → client"); the rest are <see cref="Other"/>.</summary>
public enum ServerMessageKind
{
    /// <summary>Any other well-formed message (<c>player_joined</c>, <c>chat</c>, …); ignored by bots.</summary>
    Other,

    /// <summary><c>welcome</c>: carries the player id.</summary>
    Welcome,

    /// <summary><c>joined</c>: the bot is seated; carries <c>you</c>.</summary>
    Joined,

    /// <summary><c>map</c>: a room snapshot; the bot extracts its own <c>ack</c>.</summary>
    Map,

    /// <summary><c>error</c>: carries <c>code</c>.</summary>
    Error,

    /// <summary><c>relay</c> (relay rooms): carries <c>data.seq</c> and <c>data.t</c> of the load tester's relays, and whether <c>from</c> is this bot.</summary>
    Relay,

    /// <summary><c>draw</c> (board rooms): carries the stroke's load-tester seq (from its first point) and whether <c>from</c> is this bot.</summary>
    Draw,

    /// <summary>A frame that could not be decoded (not an object, bad JSON, no <c>type</c>).</summary>
    Malformed,
}
