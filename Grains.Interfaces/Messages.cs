using System.Collections.Immutable;
using Orleans;

namespace Game.Grains.Interfaces;

/// <summary>An RGB colour, each channel 0–255 (protocol.md: <c>[r,g,b]</c>).</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
[GenerateSerializer, Alias("game.Rgb"), Immutable]
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>The protocol's error codes (shared protocol.md), as values; <see cref="ErrorCodes.ToWire"/> gives the wire string.</summary>
[GenerateSerializer, Alias("game.ErrorCode")]
public enum ErrorCode
{
    /// <summary><c>bad_request</c>: malformed or out-of-range message; the connection stays open.</summary>
    BadRequest,
    /// <summary><c>unknown_type</c>: a message type the server does not know.</summary>
    UnknownType,
    /// <summary><c>not_in_room</c>: a room message from a player in no room.</summary>
    NotInRoom,
    /// <summary><c>room_full</c>: the room has no free seat.</summary>
    RoomFull,
    /// <summary><c>wrong_password</c>: the room's password differs.</summary>
    WrongPassword,
    /// <summary><c>rate_limited</c>: too many messages; the excess was dropped.</summary>
    RateLimited,
    /// <summary><c>too_large</c>: a frame over the size limit; the connection is closed with 1009.</summary>
    TooLarge,
    /// <summary><c>unavailable</c>: the room's host process is unreachable; the client may retry.</summary>
    Unavailable,
    /// <summary><c>unknown_player</c>: no such online player (protocol v1.1).</summary>
    UnknownPlayer,
    /// <summary><c>not_host</c>: only the room's host may do that (protocol v1.1).</summary>
    NotHost,
    /// <summary><c>wrong_kind</c>: the message does not apply to this room's kind, or a join's kind differs from the room's (protocol v1.1).</summary>
    WrongKind,
}

/// <summary>Wire strings of <see cref="ErrorCode"/> (shared protocol.md).</summary>
public static class ErrorCodes
{
    /// <summary>The wire string of <paramref name="code"/>, e.g. <c>room_full</c>.</summary>
    public static string ToWire(ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => "bad_request",
        ErrorCode.UnknownType => "unknown_type",
        ErrorCode.NotInRoom => "not_in_room",
        ErrorCode.RoomFull => "room_full",
        ErrorCode.WrongPassword => "wrong_password",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.TooLarge => "too_large",
        ErrorCode.Unavailable => "unavailable",
        ErrorCode.UnknownPlayer => "unknown_player",
        ErrorCode.NotHost => "not_host",
        ErrorCode.WrongKind => "wrong_kind",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };
}

/// <summary>A request to seat a player in a room.</summary>
/// <param name="PlayerId">The player's id (server-assigned).</param>
/// <param name="Name">The player's display name, 1–24 chars.</param>
/// <param name="Kind">The room kind (<c>arena</c>, <c>relay</c>, <c>pong</c>, <c>board</c>).</param>
/// <param name="Password">The password the player gave, or null.</param>
/// <param name="Max">The capacity the creator asks for (protocol v1.1 <c>join</c>'s <c>max</c>), or null for the kind's default; ignored when the room exists.</param>
[GenerateSerializer, Alias("game.JoinRequest"), Immutable]
public sealed record JoinRequest(string PlayerId, string Name, string Kind, string? Password, int? Max = null);

/// <summary>A player's name and colour within a room.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Color">Colour, distinct among the room's players.</param>
[GenerateSerializer, Alias("game.PlayerProfile"), Immutable]
public sealed record PlayerProfile(string Name, Rgb Color);

/// <summary>What a seated player learns on joining (the protocol's <c>joined</c> message).</summary>
/// <param name="Room">Room id.</param>
/// <param name="Kind">Room kind.</param>
/// <param name="You">The joiner's player id.</param>
/// <param name="Host">The host's player id.</param>
/// <param name="TickHz">Snapshots per second (arena: 20).</param>
/// <param name="WorldWidth">World width, world units (arena: 1000).</param>
/// <param name="WorldHeight">World height, world units (arena: 1000).</param>
/// <param name="Players">Everyone seated, including the joiner, by player id.</param>
/// <param name="Max">The room's capacity.</param>
/// <param name="Ticks">Whether the kind ticks: only then does <c>joined</c> carry <c>tick</c> and <c>world</c> (protocol v1.1).</param>
/// <param name="Waiting">The kind's "waiting" flag (relay), or null.</param>
/// <param name="ExtraJson">More members of <c>joined</c> from the kind, JSON text without braces (board: <c>"strokes":[…]</c>), or null.</param>
/// <param name="Seat">
/// The joiner's seat number in the room (increasing with every seat the room gives): a gateway tells a <c>player_left</c>
/// about this seat from a late one about an earlier seat of the same player (<see cref="PlayerLeftEvent.Seat"/>). Not on the wire.
/// </param>
[GenerateSerializer, Alias("game.RoomJoined"), Immutable]
public sealed record RoomJoined(string Room, string Kind, string You, string Host, int TickHz, int WorldWidth, int WorldHeight,
    ImmutableDictionary<string, PlayerProfile> Players, int Max = 8, bool Ticks = true, bool? Waiting = null, string? ExtraJson = null,
    long Seat = 0);

/// <summary>The answer to a join: either <see cref="Joined"/> or an <see cref="Error"/> with a message.</summary>
/// <param name="Joined">The seat, when the join succeeded.</param>
/// <param name="Error">Why it failed, when it did.</param>
/// <param name="Message">Human-readable detail of the error.</param>
[GenerateSerializer, Alias("game.JoinResult"), Immutable]
public sealed record JoinResult(RoomJoined? Joined, ErrorCode? Error, string? Message)
{
    /// <summary>A successful join.</summary>
    public static JoinResult Ok(RoomJoined joined) => new(joined, null, null);

    /// <summary>A failed join.</summary>
    public static JoinResult Fail(ErrorCode error, string message) => new(null, error, message);
}

/// <summary>A room's refusal of a message: the error code the sender gets and a human-readable message.</summary>
/// <param name="Error">The protocol error code.</param>
/// <param name="Message">Detail for the player.</param>
[GenerateSerializer, Alias("game.RoomReply"), Immutable]
public sealed record RoomReply(ErrorCode Error, string Message);

/// <summary>A room's entry in the room list (the protocol's <c>rooms</c> message).</summary>
/// <param name="Id">Room id.</param>
/// <param name="Kind">Room kind.</param>
/// <param name="Players">Players seated.</param>
/// <param name="Max">Seats in all (arena: 8).</param>
/// <param name="Locked">Whether the room has a password.</param>
[GenerateSerializer, Alias("game.RoomSummary"), Immutable]
public sealed record RoomSummary(string Id, string Kind, int Players, int Max, bool Locked);

/// <summary>A player session.</summary>
/// <param name="PlayerId">The player id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Token">Opaque resume token (valid for 30 s after a drop).</param>
/// <param name="RoomId">The room the player is seated in, or null.</param>
/// <param name="Connection">
/// Which connection of the player this is: 1 for the one that started the session, one more for each resume. A gateway
/// passes it back to <see cref="IPlayerGrain.Disconnected"/>, so a late report about an older connection (the client
/// already resumed, perhaps through another gateway) cannot start the 30 s grace for the current one.
/// </param>
[GenerateSerializer, Alias("game.PlayerSession"), Immutable]
public sealed record PlayerSession(string PlayerId, string Name, string Token, string? RoomId, int Connection = 0);

/// <summary>One validated input from a client (the protocol's <c>input</c> message).</summary>
/// <param name="Seq">Client sequence number, increasing.</param>
/// <param name="ClientTime">The client's clock when sent, ms.</param>
/// <param name="Vx">Direction x, in [-1, 1].</param>
/// <param name="Vy">Direction y, in [-1, 1].</param>
/// <param name="Attack">Whether the player attacks.</param>
[GenerateSerializer, Alias("game.PlayerInput"), Immutable]
public readonly record struct PlayerInput(long Seq, double ClientTime, float Vx, float Vy, bool Attack);

/// <summary>
/// Inputs of several players of one room, in the order the gateway read them: <c>PlayerIds[i]</c> sent <c>Inputs[i]</c>
/// (the two arrays have the same length, at least 2). One gateway sends one per room for the inputs it read early in the
/// room's tick, shortly before the next tick, or for those it read in one pass of its epoll loop
/// (<see cref="IRoomGrain.Inputs"/>); the arrays are not changed after sending.
/// </summary>
/// <param name="PlayerIds">The senders' player ids.</param>
/// <param name="Inputs">Their validated inputs.</param>
[GenerateSerializer, Alias("game.InputBatch"), Immutable]
public sealed record InputBatch(string[] PlayerIds, PlayerInput[] Inputs);

/// <summary>What a room's tick takes from a player's input buffer.</summary>
/// <param name="HasInput">Whether any input arrived since the last take.</param>
/// <param name="Seq">The newest input's seq (the <c>ack</c> once applied).</param>
/// <param name="Vx">Direction x of the newest input.</param>
/// <param name="Vy">Direction y of the newest input.</param>
/// <param name="Attack">Whether any input since the last take asked to attack.</param>
[GenerateSerializer, Alias("game.InputSample"), Immutable]
public readonly record struct InputSample(bool HasInput, long Seq, float Vx, float Vy, bool Attack);
