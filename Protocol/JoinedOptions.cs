namespace Game.Protocol;

/// <summary>
/// What a v1.1 <c>joined</c> carries beyond <see cref="Game.Grains.Interfaces.RoomJoined"/> (shared protocol.md v1.1,
/// "Joining with options"): the room's capacity, whether the kind ticks, the relay's waiting flag and the board's
/// history. Passed to <see cref="JsonMessageWriter.WriteJoined(System.Buffers.IBufferWriter{byte}, Game.Grains.Interfaces.RoomJoined, in JoinedOptions)"/>.
/// </summary>
/// <param name="Max">The room's capacity, players (<c>joined.max</c>, always sent): at least 1.</param>
/// <param name="Ticks">
/// Whether the room's kind ticks (arena, pong): only then does <c>joined</c> carry <c>tick</c> and <c>world</c> (shared
/// protocol.md v1.1). False for relay and board.
/// </param>
/// <param name="Waiting">
/// <c>joined.waiting</c>: whether the room has fewer players than <c>max</c> (kind relay, shared protocol.md v1.1); null
/// to leave the field out (kinds without it).
/// </param>
/// <param name="Strokes">
/// <c>joined.strokes</c>: every stroke still on the board, oldest first, at most the newest 2,000 (kind board, shared
/// protocol.md v1.1; the writer sends what it is given); null to leave the field out (kinds without a board). An empty
/// list is sent as <c>[]</c>.
/// </param>
/// <param name="ExtraMembers">
/// More members from the room's kind, as JSON object members without braces (e.g. <c>"strokes":[…]</c>, made by the
/// kind: docs/room-kinds.md), written as they are after the others; null for none.
/// </param>
public readonly record struct JoinedOptions(int Max, bool Ticks = true, bool? Waiting = null, IReadOnlyList<BoardStroke>? Strokes = null, string? ExtraMembers = null);
