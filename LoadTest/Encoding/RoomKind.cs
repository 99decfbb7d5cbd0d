namespace Game.LoadTest;

/// <summary>The room kind every bot of a run plays (shared protocol.md v1.1, "room kinds"); sent as <c>kind</c> in <c>join</c>.</summary>
public enum RoomKind
{
    /// <summary><c>arena</c>: up to 8 players, 20 Hz <c>map</c>s; bots send <c>input</c> and measure input→ack. The default.</summary>
    Arena,

    /// <summary><c>pong</c>: exactly 2 players, 30 Hz <c>map</c>s (<c>player: {id: [x, y, 0, vy, score, ack]}</c>); bots send <c>input</c> and measure input→ack.</summary>
    Pong,

    /// <summary><c>relay</c>: 2–16 players, no tick; bots send <c>relay</c> to every other player and measure send→receive of others' relays.</summary>
    Relay,

    /// <summary><c>board</c>: 2–32 players, no tick; bots send small <c>draw</c> strokes and measure send→receive of their own stroke coming back.</summary>
    Board,
}

/// <summary>What the load tester knows about each <see cref="RoomKind"/>: wire name, tick rate, capacity, send rate.</summary>
public static class RoomKinds
{
    /// <summary>The most <c>draw</c> a connection may send per second (<c>rate_limited</c> above).</summary>
    public const int MaxDrawRateHz = 30;

    /// <summary>The most <c>relay</c> a connection may send per second (<c>rate_limited</c> above).</summary>
    public const int MaxRelayRateHz = 60;

    /// <summary>The kind's name on the wire and on the command line: <c>arena</c>, <c>pong</c>, <c>relay</c>, <c>board</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The lowercase name.</returns>
    public static string WireName(this RoomKind kind) => kind switch
    {
        RoomKind.Pong => "pong",
        RoomKind.Relay => "relay",
        RoomKind.Board => "board",
        _ => "arena",
    };

    /// <summary>Parses a wire name (<see cref="WireName"/>), case-sensitive.</summary>
    /// <param name="name">The name.</param>
    /// <param name="kind">The kind, when known; <see cref="RoomKind.Arena"/> otherwise.</param>
    /// <returns>Whether the name is a known kind.</returns>
    public static bool TryParse(string? name, out RoomKind kind)
    {
        (kind, var known) = name switch
        {
            "arena" => (RoomKind.Arena, true),
            "pong" => (RoomKind.Pong, true),
            "relay" => (RoomKind.Relay, true),
            "board" => (RoomKind.Board, true),
            _ => (RoomKind.Arena, false),
        };
        return known;
    }

    /// <summary>The kind's tick rate: <c>map</c>s per second to each player (arena 20, pong 30); 0 for kinds that do not tick.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Hz, or 0.</returns>
    public static int TickHz(this RoomKind kind) => kind switch
    {
        RoomKind.Arena => 20,
        RoomKind.Pong => 30,
        _ => 0,
    };

    /// <summary>Whether the kind sends <c>map</c>s (so snapshot rates, gaps and acks mean something).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>True for arena and pong.</returns>
    public static bool Ticks(this RoomKind kind) => kind.TickHz() > 0;

    /// <summary>
    /// The <c>max</c> a bot sends in <c>join</c> for rooms of <paramref name="playersPerRoom"/>: relay 2–16, board 2–32 (the
    /// players, capped to the kind's range); null for arena and pong (arena's default capacity, pong's fixed 2).
    /// </summary>
    /// <param name="kind">The kind.</param>
    /// <param name="playersPerRoom">Bots per room.</param>
    /// <returns>The capacity to ask for, or null to send none.</returns>
    public static int? JoinMax(this RoomKind kind, int playersPerRoom) => kind switch
    {
        RoomKind.Relay => Math.Clamp(playersPerRoom, 2, 16),
        RoomKind.Board => Math.Clamp(playersPerRoom, 2, 32),
        _ => null,
    };

    /// <summary>The rate a bot really sends at for an asked <paramref name="inputRateHz"/>: board at most 30/s, relay at most 60/s (the server's limits).</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="inputRateHz">The asked rate.</param>
    /// <returns>Messages per bot per second.</returns>
    public static int SendRateHz(this RoomKind kind, int inputRateHz) => kind switch
    {
        RoomKind.Board => Math.Min(inputRateHz, MaxDrawRateHz),
        RoomKind.Relay => Math.Min(inputRateHz, MaxRelayRateHz),
        _ => inputRateHz,
    };

    /// <summary>What the run's latency measures for the kind, for reports: <c>input→ack</c>, <c>relay send→receive</c>, <c>draw send→echo</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>A short label.</returns>
    public static string LatencyLabel(this RoomKind kind) => kind switch
    {
        RoomKind.Relay => "relay send→receive",
        RoomKind.Board => "draw send→echo",
        _ => "input→ack",
    };
}
