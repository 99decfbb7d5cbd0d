using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Game.Grains.Interfaces;

/// <summary>
/// One player session (key: the player id, assigned by the server, never taken from the client).
/// Holds the name, resume token and current room. (Inputs go from the gateway straight to the room, which keeps the
/// newest per seat for its next tick: see <see cref="IRoomGrain.Input"/>.)
/// </summary>
[Alias("game.IPlayerGrain")]
public interface IPlayerGrain : IGrainWithStringKey
{
    /// <summary>Starts a new session named <paramref name="name"/> (1–24 chars, validated by the caller).</summary>
    /// <param name="name">The display name.</param>
    /// <param name="gateway">The id of the gateway holding the connection (<see cref="GatewayStreams.For"/>: whispers go there), or null.</param>
    /// <returns>The session, with a fresh resume token.</returns>
    Task<PlayerSession> StartSession(string name, string? gateway = null);

    /// <summary>Resumes the session after a dropped connection, if <paramref name="token"/> is this player's token and the 30 s grace (protocol.md) has not run out.</summary>
    /// <param name="token">The resume token from <c>welcome</c>.</param>
    /// <param name="gateway">The id of the gateway holding the new connection, or null.</param>
    /// <returns>The session with its room still seated, or null when the token is wrong or expired.</returns>
    Task<PlayerSession?> Resume(string token, string? gateway = null);

    /// <summary>
    /// The player's connection number <paramref name="connection"/> dropped: the seat is kept for 30 s (protocol.md), then
    /// the player leaves its room. Ignored when the player has resumed on a newer connection since.
    /// </summary>
    /// <param name="connection">The <see cref="PlayerSession.Connection"/> that hello gave the dropped connection.</param>
    Task Disconnected(int connection);

    /// <summary>Joins room <paramref name="roomId"/> (join-or-create), leaving the current room first if it is another one.</summary>
    /// <param name="roomId">The room id.</param>
    /// <param name="kind">The room kind the player asks for.</param>
    /// <param name="password">The password given, or null.</param>
    /// <param name="max">The capacity asked for when creating the room (protocol v1.1), or null for the kind's default.</param>
    /// <returns>The room's answer; see <see cref="IRoomGrain.Join"/>.</returns>
    Task<JoinResult> JoinRoom(string roomId, string kind, string? password, int? max = null);

    /// <summary>
    /// A whisper for this player (<c>chat</c> with <c>to</c>, shared protocol.md v1.1): sent to the gateway of its
    /// connection, whatever room it is in, or none.
    /// </summary>
    /// <returns>False when the player is not connected (no session, or dropped): the sender gets <c>unknown_player</c>.</returns>
    Task<bool> Whisper(WhisperEvent whisper);

    /// <summary>
    /// Whether this player's session holds a seat in <paramref name="roomId"/>. A room that resumes from storage (its silo
    /// died or froze) asks each restored seat's player: a seat exists only while its player holds it, and a player may
    /// have left while the room could not hear it. Interleaves: it only reads the session.
    /// </summary>
    /// <param name="roomId">The room asking.</param>
    /// <returns>True if the session's room is <paramref name="roomId"/>.</returns>
    [AlwaysInterleave, Alias("HoldsSeatIn")]
    Task<bool> HoldsSeatIn(string roomId);

    /// <summary>Leaves the current room; no-op if in none.</summary>
    /// <returns>The room left, or null if the player was in none.</returns>
    Task<string?> LeaveRoom();
}
