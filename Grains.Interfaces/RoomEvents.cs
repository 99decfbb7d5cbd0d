using System.Collections.Immutable;
using Orleans;

namespace Game.Grains.Interfaces;

/// <summary>An item on a room's stream (<see cref="RoomStreams"/>): a snapshot or an event of the room.</summary>
[GenerateSerializer, Alias("game.RoomEvent")]
public abstract record RoomEvent;

/// <summary>One player's state in a snapshot (the protocol's <c>map</c> entry <c>[x, y, vx, vy, hp, ack]</c>).</summary>
/// <param name="Id">Player id.</param>
/// <param name="X">Position x, world units.</param>
/// <param name="Y">Position y, world units.</param>
/// <param name="Vx">Velocity x, world units per second.</param>
/// <param name="Vy">Velocity y, world units per second.</param>
/// <param name="Hp">Hit points, 0–100; 0 while dead.</param>
/// <param name="Ack">Last input seq applied for this player (0 before any).</param>
[GenerateSerializer, Alias("game.PlayerSnapshot"), Immutable]
public readonly record struct PlayerSnapshot(string Id, float X, float Y, float Vx, float Vy, int Hp, long Ack);

/// <summary>The room's authoritative state after a tick (the protocol's <c>map</c>), published every tick.</summary>
/// <param name="Room">Room id.</param>
/// <param name="Time">Server time of the tick, ms since the Unix epoch.</param>
/// <param name="Tick">Tick counter, from 1, continuing across reactivations.</param>
/// <param name="Players">Every seated player.</param>
[GenerateSerializer, Alias("game.RoomSnapshot"), Immutable]
public sealed record RoomSnapshot(string Room, long Time, long Tick, ImmutableArray<PlayerSnapshot> Players) : RoomEvent;

/// <summary>A player took a seat (<c>player_joined</c>).</summary>
/// <param name="Id">Player id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Color">Colour.</param>
/// <param name="Waiting">The room's "waiting" flag after the join (relay, protocol v1.1), or null for kinds without one.</param>
[GenerateSerializer, Alias("game.PlayerJoinedEvent"), Immutable]
public sealed record PlayerJoinedEvent(string Id, string Name, Rgb Color, bool? Waiting = null) : RoomEvent;

/// <summary>A player left its seat (<c>player_left</c>).</summary>
/// <param name="Id">Player id.</param>
/// <param name="Waiting">The room's "waiting" flag after the leave (relay, protocol v1.1), or null for kinds without one.</param>
/// <param name="Seat">The seat number the player had (<see cref="RoomJoined.Seat"/>), or 0 when unknown. Not on the wire.</param>
[GenerateSerializer, Alias("game.PlayerLeftEvent"), Immutable]
public sealed record PlayerLeftEvent(string Id, bool? Waiting = null, long Seat = 0) : RoomEvent;

/// <summary>
/// A seated player's connection dropped (<see cref="Away"/> true: its seat is kept for the 30 s resume grace) or came
/// back (false): <c>{"type":"player_away","id","away"}</c>, this project's extension of the protocol (docs/protocol.md),
/// so that clients can draw the player as reconnecting instead of frozen.
/// </summary>
/// <param name="Id">Player id.</param>
/// <param name="Away">True while its connection is gone.</param>
[GenerateSerializer, Alias("game.PlayerAwayEvent"), Immutable]
public sealed record PlayerAwayEvent(string Id, bool Away) : RoomEvent;

/// <summary>A player was hit (<c>player_attacked</c>).</summary>
/// <param name="Id">The target's id.</param>
/// <param name="By">The attacker's id.</param>
/// <param name="Hp">The target's hit points after the hit.</param>
[GenerateSerializer, Alias("game.PlayerAttackedEvent"), Immutable]
public sealed record PlayerAttackedEvent(string Id, string By, int Hp) : RoomEvent;

/// <summary>A player's hit points reached 0 (<c>player_killed</c>); it respawns 2 s later.</summary>
/// <param name="Id">The killed player's id.</param>
/// <param name="By">The attacker's id.</param>
[GenerateSerializer, Alias("game.PlayerKilledEvent"), Immutable]
public sealed record PlayerKilledEvent(string Id, string By) : RoomEvent;

/// <summary>The room has a new host (<c>host_changed</c>).</summary>
/// <param name="Id">The new host's id.</param>
[GenerateSerializer, Alias("game.HostChangedEvent"), Immutable]
public sealed record HostChangedEvent(string Id) : RoomEvent;

/// <summary>A chat line (<c>chat</c>).</summary>
/// <param name="From">Sender's player id.</param>
/// <param name="Text">The text, 1–200 chars.</param>
/// <param name="Time">Server time, ms since the Unix epoch.</param>
[GenerateSerializer, Alias("game.ChatEvent"), Immutable]
public sealed record ChatEvent(string From, string Text, long Time) : RoomEvent;

/// <summary>
/// A kind's own message to clients (relay's <c>relay</c>, board's <c>draw</c> and <c>clear</c>, pong's <c>map</c>,
/// <c>point</c>, <c>match_over</c>): the gateway writes <c>{"type":<see cref="Type"/>,<see cref="Members"/>}</c> as it
/// is, so a new kind needs no change to the gateway or the protocol library.
/// </summary>
/// <param name="Type">The message's <c>type</c>.</param>
/// <param name="Members">Its other members: JSON object members without the braces, e.g. <c>"from":"ab12","data":{…}</c>.</param>
/// <param name="IsSnapshot">True for a per-tick snapshot (<c>map</c>): a slow client gets only the newest, like the arena's.</param>
[GenerateSerializer, Alias("game.KindEvent"), Immutable]
public sealed record KindEvent(string Type, string Members, bool IsSnapshot = false) : RoomEvent;

/// <summary>An event for some of the room's players only: <see cref="To"/> alone, or everyone but <see cref="Except"/>.</summary>
/// <param name="Event">The event.</param>
/// <param name="To">The one player to send it to, or null.</param>
/// <param name="Except">The player not to send it to, or null.</param>
[GenerateSerializer, Alias("game.DirectedEvent"), Immutable]
public sealed record DirectedEvent(RoomEvent Event, string? To, string? Except) : RoomEvent;

/// <summary>
/// A kind-specific message from a client (<c>relay</c>, <c>draw</c>, <c>clear</c>, …), routed by the gateway to the
/// sender's room without knowing the kind: the message's <c>type</c> and its whole JSON text as received.
/// </summary>
/// <param name="Type">The message's <c>type</c>.</param>
/// <param name="Json">The message's JSON object text, exactly as received (UTF-8 decoded).</param>
[GenerateSerializer, Alias("game.KindMessage"), Immutable]
public sealed record KindMessage(string Type, string Json);
