namespace Game.LoadTest;

/// <summary>What a bot needs from one server message, decoded by an <see cref="IBotCodec"/>.</summary>
/// <param name="Kind">Which message it was.</param>
/// <param name="Ack">For <see cref="ServerMessageKind.Map"/>: this bot's <c>ack</c> (<c>player[myId][5]</c>, the last input
/// <c>seq</c> the server applied), or -1 when the snapshot has no entry for the bot. -1 for other kinds.</param>
/// <param name="Id">For <see cref="ServerMessageKind.Welcome"/>: <c>id</c>; for <see cref="ServerMessageKind.Joined"/>: <c>you</c>; otherwise null.</param>
/// <param name="ErrorCode">For <see cref="ServerMessageKind.Error"/>: <c>code</c> (e.g. <c>room_full</c>), or <c>"unknown"</c> when absent; otherwise null.</param>
public readonly record struct ServerMessage(ServerMessageKind Kind, long Ack, string? Id, string? ErrorCode)
{
    /// <summary>A frame that could not be decoded.</summary>
    public static ServerMessage Malformed => new(ServerMessageKind.Malformed, -1, null, null);
}
