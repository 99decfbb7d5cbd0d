using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Game.Grains.Interfaces;

/// <summary>
/// One game room (key: the room id, 1–32 chars of <c>[A-Za-z0-9_-]</c>). Owns the room's authoritative
/// state, advances it on a grain timer at the room kind's tick rate (arena: 20 Hz), and publishes a
/// <see cref="RoomSnapshot"/> each tick plus the room's events on the stream <see cref="RoomStreams.For"/>.
/// Arena rules: shared protocol.md.
/// </summary>
[Alias("game.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>
    /// Seats a player (join-or-create). The first join creates the room with <see cref="JoinRequest.Kind"/>,
    /// <see cref="JoinRequest.Max"/> and <see cref="JoinRequest.Password"/>, and makes the joiner its host. Joining again
    /// with a player already seated returns the seat unchanged (used on resume and retries).
    /// </summary>
    /// <returns>The seat, or an error: <see cref="ErrorCode.RoomFull"/>, <see cref="ErrorCode.WrongPassword"/>,
    /// <see cref="ErrorCode.BadRequest"/> (unknown kind, or <c>max</c> outside the kind's range),
    /// <see cref="ErrorCode.WrongKind"/> (a kind other than the room's), or the kind's own refusal.</returns>
    Task<JoinResult> Join(JoinRequest request);

    /// <summary>Removes the player's seat and publishes <see cref="PlayerLeftEvent"/> (and <see cref="HostChangedEvent"/> if it was the host). No-op if not seated.</summary>
    Task Leave(string playerId);

    /// <summary>
    /// Buffers the newest input of seated player <paramref name="playerId"/> for the next tick (newest wins; an attack
    /// in between is kept; a seq not above the newest is ignored). Sent one-way by the gateway that holds the player's
    /// connection, as the input arrives (alone, or with other players' in <see cref="Inputs"/>), so the tick itself makes
    /// no call. Ignored for a player not seated, and for one away (<see cref="StopMoving"/>) until it joins again: an
    /// input of the dropped connection that arrives after the drop must not move it.
    /// </summary>
    [OneWay]
    Task Input(string playerId, PlayerInput input);

    /// <summary>
    /// <see cref="Input"/> for each pair of <paramref name="batch"/>, in its order: the inputs of one room that a gateway
    /// held for the room's next tick, or read together, in one call instead of one each. Pairs of players not seated or
    /// away are ignored, as by <see cref="Input"/>.
    /// </summary>
    [OneWay]
    Task Inputs(InputBatch batch);

    /// <summary>
    /// The player's connection dropped: it stops moving at the next tick (same seq, so its ack does not move), and the
    /// room tells everyone it is away (<see cref="PlayerAwayEvent"/>) until it joins again on a new connection.
    /// </summary>
    [OneWay]
    Task StopMoving(string playerId);

    /// <summary>
    /// A kind-specific message of seated player <paramref name="playerId"/> (<c>relay</c>, <c>draw</c>, <c>clear</c>, …),
    /// handled by the room kind's rules (shared protocol.md v1.1).
    /// </summary>
    /// <returns>Null when handled; else the error for the sender: <see cref="ErrorCode.NotInRoom"/>, <see cref="ErrorCode.WrongKind"/>,
    /// <see cref="ErrorCode.BadRequest"/>, <see cref="ErrorCode.UnknownPlayer"/>, <see cref="ErrorCode.NotHost"/>.</returns>
    Task<RoomReply?> Message(string playerId, KindMessage message);

    /// <summary>Publishes a chat line from a seated player to the room.</summary>
    /// <returns><see cref="ErrorCode.NotInRoom"/> if the player has no seat here, otherwise null.</returns>
    Task<ErrorCode?> Chat(string playerId, string text);

    /// <summary>
    /// Moves the room to another silo while it plays (operator call, or its silo is stopping): Orleans live migration
    /// carries its full in-memory state (simulation, seats, acks, tick schedule) to the new activation. Gateways keep
    /// their WebSockets; players see a pause of about one tick.
    /// </summary>
    /// <param name="target">The silo to move to, or null to let placement choose (never the current silo).</param>
    Task Migrate(SiloAddress? target);

    /// <summary>The silo the room runs on, or null when it has no players (operator endpoints, tests).</summary>
    /// <remarks>Interleaves: it reads nothing a turn changes.</remarks>
    [AlwaysInterleave]
    Task<SiloAddress?> Locate();

    /// <summary>The room's entry in the room list.</summary>
    /// <remarks>Interleaves: it only reads fields that turns leave consistent between awaits.</remarks>
    [AlwaysInterleave]
    Task<RoomSummary> Describe();
}

/// <summary>Stream names of rooms: provider <see cref="Provider"/>, namespace <see cref="Namespace"/>, key = room id.</summary>
public static class RoomStreams
{
    /// <summary>The stream provider rooms publish on.</summary>
    public const string Provider = "Default";

    /// <summary>The namespace of room streams.</summary>
    public const string Namespace = "room";

    /// <summary>The stream of room <paramref name="roomId"/>; items are <see cref="RoomEvent"/>s.</summary>
    public static StreamId For(string roomId) => StreamId.Create(Namespace, roomId);
}
