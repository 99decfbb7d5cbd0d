namespace Game.LoadTest;

/// <summary>Who one bot is and where it plays.</summary>
/// <param name="Index">The bot's number in its run, from 0.</param>
/// <param name="Name">The player name sent in <c>hello</c>, 1–24 chars.</param>
/// <param name="Room">The room id to join, 1–32 chars of <c>[A-Za-z0-9_-]</c> (e.g. <c>load-ab12cd-7</c>).</param>
/// <param name="Url">The gateway WebSocket endpoint, e.g. <c>ws://127.0.0.1:5000/ws</c>.</param>
public sealed record BotSettings(int Index, string Name, string Room, Uri Url)
{
    /// <summary>Messages per second the bot is driven at (inputs; relays; strokes); an arena or pong bot's direction changes every this many inputs and it attacks every twice this many.</summary>
    /// <value>Default 20 (the arena tick rate, shared protocol.md).</value>
    public int InputRateHz { get; init; } = 20;

    /// <summary>The room kind the bot plays: sent as <c>kind</c> in <c>join</c>, and it decides what the bot sends and measures.</summary>
    /// <value>Default <see cref="RoomKind.Arena"/>.</value>
    public RoomKind Kind { get; init; } = RoomKind.Arena;

    /// <summary>The capacity sent as <c>max</c> in <c>join</c> (relay, board: <see cref="RoomKinds.JoinMax"/>), or null for none.</summary>
    /// <value>Default null.</value>
    public int? RoomMax { get; init; }

    /// <summary>Longest time for connect + <c>hello</c> + <c>join</c> (join retries included).</summary>
    /// <value>Default 15 s.</value>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times a <c>join</c> answered with <c>unavailable</c> is retried (protocol: "the client may retry").</summary>
    /// <value>Default 3.</value>
    public int JoinRetries { get; init; } = 3;
}
