using Game.Grains.Interfaces;

namespace Game.Grains.Kinds;

/// <summary>
/// A kind of room (<c>arena</c>, <c>relay</c>, <c>pong</c>, <c>board</c>): its name, capacity and tick rate, and a
/// factory of its rules. Registered in <see cref="RoomKinds"/> under <see cref="Name"/>; the room grain hosts any kind.
/// How to add one: docs/room-kinds.md.
/// </summary>
public interface IRoomKind
{
    /// <summary>The kind's wire name (<c>join</c>'s <c>kind</c>), e.g. <c>relay</c>.</summary>
    string Name { get; }

    /// <summary>The range and default of <c>join</c>'s <c>max</c> (shared protocol.md v1.1, per kind).</summary>
    KindCapacity Capacity { get; }

    /// <summary>Fixed simulation ticks per second (Hz), or null for an event-driven kind (no tick, no <c>map</c>).</summary>
    int? TickHz { get; }

    /// <summary>The world size in world units sent in <c>joined</c> (<c>world</c>), or null for kinds without one.</summary>
    (int Width, int Height)? World { get; }

    /// <summary>New rules for a room being created by its first <c>join</c>.</summary>
    /// <param name="setup">The creator's options (capacity) and the room's random seed.</param>
    IRoomRules Create(RoomSetup setup);

    /// <summary>Rules resumed from what <see cref="IRoomRules.Capture"/> returned (a moved or failed-over room).</summary>
    /// <param name="state">The captured state.</param>
    /// <exception cref="ArgumentException">The state is not this kind's, or is inconsistent.</exception>
    IRoomRules Restore(object state);
}

/// <summary>The range of a kind's capacity (<c>join</c>'s <c>max</c>): outside it the join is <c>bad_request</c>.</summary>
/// <param name="Min">Smallest <c>max</c> allowed.</param>
/// <param name="Max">Largest <c>max</c> allowed.</param>
/// <param name="Default">The capacity when the creator gives none.</param>
public readonly record struct KindCapacity(int Min, int Max, int Default)
{
    /// <summary>A capacity that is not the creator's to choose (e.g. pong: 2).</summary>
    public static KindCapacity Fixed(int seats) => new(seats, seats, seats);

    /// <summary>Whether <paramref name="max"/> is allowed.</summary>
    public bool Allows(int max) => max >= Min && max <= Max;
}

/// <summary>What a kind's rules are created with.</summary>
/// <param name="Max">The room's capacity, within the kind's <see cref="KindCapacity"/>.</param>
/// <param name="Seed">A random seed for the room (rules keep their own seeded random: deterministic given the seed).</param>
public readonly record struct RoomSetup(int Max, ulong Seed);

/// <summary>
/// One room's rules: plain, deterministic code with no grain, socket, stream or clock in it, in the manner of
/// Colyseus's room hooks (<c>onCreate</c> is <see cref="IRoomKind.Create"/>). The room grain calls the hooks one at a
/// time, in its turns; they return at once and report what happened through the <see cref="IRoomOutput"/> given.
/// The grain owns what every kind shares: seats and their order, the host and host hand-over, passwords, capacity,
/// resume, the timer, persistence, streams and the lobby.
/// </summary>
public interface IRoomRules
{
    /// <summary>The room's capacity (seats).</summary>
    int Max { get; }

    /// <summary>
    /// A player asks for a seat (the room has a free seat and the password matched). Accept by returning null; reject
    /// with the error the player gets (the grain then seats nobody). Publish what the others should see through
    /// <paramref name="output"/> (the grain publishes <c>player_joined</c> itself).
    /// </summary>
    /// <param name="player">The joining player.</param>
    /// <param name="output">Where events go.</param>
    /// <returns>Null to accept; else the error code and message.</returns>
    RoomError? OnJoin(RoomPlayer player, IRoomOutput output);

    /// <summary>A seated player left (or its 30 s grace ran out). The grain publishes <c>player_left</c> itself.</summary>
    void OnLeave(string playerId, IRoomOutput output);

    /// <summary>
    /// An <c>input</c> of a seated player (arena, pong), newest per tick: the grain buffers inputs per seat and hands
    /// each tick's newest here just before <see cref="OnTick"/>. Kinds without inputs ignore it.
    /// </summary>
    void OnInput(string playerId, in InputSample input);

    /// <summary>
    /// A kind-specific message of a seated player (<c>relay</c>, <c>draw</c>, <c>clear</c>, …), already validated for
    /// shape by the gateway. One handler per message type; a type the kind does not handle is <see cref="ErrorCode.WrongKind"/>.
    /// </summary>
    /// <returns>Null when handled; else the error the sender gets.</returns>
    RoomError? OnMessage(string playerId, KindMessage message, IRoomOutput output);

    /// <summary>One fixed tick (kinds with <see cref="IRoomKind.TickHz"/> only): advance, publish the tick's events and the snapshot.</summary>
    /// <param name="nowMs">The server time of this tick, ms since the Unix epoch.</param>
    /// <param name="output">Where events and the snapshot go.</param>
    void OnTick(long nowMs, IRoomOutput output);

    /// <summary>What <c>joined</c> tells <paramref name="playerId"/> besides what the grain knows: each seat's colour, the kind's extra fields.</summary>
    JoinedView View(string playerId);

    /// <summary>The rules' whole state, for persistence and live migration: an Orleans-serializable (<c>[GenerateSerializer]</c>) object.</summary>
    object Capture();

    /// <summary>
    /// Whether the room is "waiting" for players (relay: fewer than <see cref="Max"/>), carried by <c>joined</c>,
    /// <c>player_joined</c> and <c>player_left</c>; null for kinds without that notion.
    /// </summary>
    bool? Waiting => null;
}

/// <summary>A player seated (or being seated) in a room.</summary>
/// <param name="Id">Player id (server-made).</param>
/// <param name="Name">Display name.</param>
/// <param name="IsHost">Whether the player is (or becomes, as the first) the room's host.</param>
public readonly record struct RoomPlayer(string Id, string Name, bool IsHost);

/// <summary>Why a hook refused: the protocol error code and a message for the player.</summary>
/// <param name="Code">The error code (shared protocol.md).</param>
/// <param name="Message">Human-readable detail.</param>
public sealed record RoomError(ErrorCode Code, string Message);

/// <summary>What a kind adds to <c>joined</c>.</summary>
/// <param name="Colors">Each seated player's colour, by id (empty for kinds without colours).</param>
/// <param name="ExtraJson">More top-level members of <c>joined</c> as JSON text without braces (e.g. <c>"strokes":[…]</c>), or null.</param>
public sealed record JoinedView(IReadOnlyDictionary<string, Rgb> Colors, string? ExtraJson = null);

/// <summary>Where a hook's events go; the grain publishes them on the room's stream, in order, after the hook returns.</summary>
public interface IRoomOutput
{
    /// <summary>The room's id.</summary>
    string RoomId { get; }

    /// <summary>The room's host now, or null in an empty room.</summary>
    string? HostId { get; }

    /// <summary>Server time now, ms since the Unix epoch.</summary>
    long NowMs { get; }

    /// <summary>Sends <paramref name="e"/> to everyone in the room.</summary>
    void Publish(RoomEvent e);

    /// <summary>Sends <paramref name="e"/> to player <paramref name="playerId"/> only.</summary>
    void SendTo(string playerId, RoomEvent e);

    /// <summary>Sends <paramref name="e"/> to everyone in the room but <paramref name="playerId"/>.</summary>
    void SendToOthers(string playerId, RoomEvent e);
}
