namespace Game.LoadTest;

/// <summary>What a bot needs from one server message, decoded by an <see cref="IBotCodec"/>.</summary>
/// <param name="Kind">Which message it was.</param>
/// <param name="Ack">For <see cref="ServerMessageKind.Map"/>: this bot's <c>ack</c> (<c>player[myId][5]</c>, the last input
/// <c>seq</c> the server applied, in arena and pong alike), or -1 when the snapshot has no entry for the bot. -1 for other kinds.</param>
/// <param name="Id">For <see cref="ServerMessageKind.Welcome"/>: <c>id</c>; for <see cref="ServerMessageKind.Joined"/>: <c>you</c>; otherwise null.</param>
/// <param name="ErrorCode">For <see cref="ServerMessageKind.Error"/>: <c>code</c> (e.g. <c>room_full</c>), or <c>"unknown"</c> when absent; otherwise null.</param>
/// <param name="Seq">For <see cref="ServerMessageKind.Relay"/>: <c>data.seq</c>; for <see cref="ServerMessageKind.Draw"/>: the load
/// tester's stroke number read back from the first point (<c>x + 1000 y</c>, i.e. the seq modulo 1,000,000); for
/// <see cref="ServerMessageKind.Map"/> in JSON: <c>tick</c>, the room's tick number (-1 when absent, and in binary maps); otherwise -1.</param>
/// <param name="SentMs">For <see cref="ServerMessageKind.Relay"/>: <c>data.t</c>, the sender's send time (ms on the tester's run
/// clock); otherwise NaN.</param>
/// <param name="FromSelf">For <see cref="ServerMessageKind.Relay"/> and <see cref="ServerMessageKind.Draw"/>: <c>from</c> is this bot.</param>
public readonly record struct ServerMessage(ServerMessageKind Kind, long Ack, string? Id, string? ErrorCode, long Seq = -1, double SentMs = double.NaN, bool FromSelf = false)
{
    /// <summary>A frame that could not be decoded.</summary>
    public static ServerMessage Malformed => new(ServerMessageKind.Malformed, -1, null, null);
}
