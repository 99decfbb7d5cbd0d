using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Game.Grains.Interfaces;

/// <summary>
/// One player session (key: the player id, assigned by the server, never taken from the client).
/// Holds the name, resume token and current room, and buffers the player's inputs until the room's
/// next tick takes them (newest wins; attack presses in between are kept).
/// </summary>
[Alias("game.IPlayerGrain")]
public interface IPlayerGrain : IGrainWithStringKey
{
    /// <summary>Starts a new session named <paramref name="name"/> (1–24 chars, validated by the caller).</summary>
    /// <returns>The session, with a fresh resume token.</returns>
    Task<PlayerSession> StartSession(string name);

    /// <summary>Resumes the session after a dropped connection, if <paramref name="token"/> is this player's token and the 30 s grace (protocol.md) has not run out.</summary>
    /// <returns>The session with its room still seated, or null when the token is wrong or expired.</returns>
    Task<PlayerSession?> Resume(string token);

    /// <summary>
    /// The player's connection number <paramref name="connection"/> dropped: the seat is kept for 30 s (protocol.md), then
    /// the player leaves its room. Ignored when the player has resumed on a newer connection since.
    /// </summary>
    /// <param name="connection">The <see cref="PlayerSession.Connection"/> that hello gave the dropped connection.</param>
    Task Disconnected(int connection);

    /// <summary>Joins room <paramref name="roomId"/> (join-or-create), leaving the current room first if it is another one.</summary>
    /// <returns>The room's answer; see <see cref="IRoomGrain.Join"/>.</returns>
    Task<JoinResult> JoinRoom(string roomId, string kind, string? password);

    /// <summary>Leaves the current room; no-op if in none.</summary>
    /// <returns>The room left, or null if the player was in none.</returns>
    Task<string?> LeaveRoom();

    /// <summary>
    /// Moves this player to <paramref name="roomSilo"/>, the silo of its room, if it is elsewhere (live migration with
    /// a placement hint), so that the room's tick takes its input with a call inside one silo, never across silos.
    /// The room sends it after each join and whenever it starts on a silo (failover, live migration). No-op when the
    /// player is already there, or is seated in no room.
    /// </summary>
    /// <param name="roomSilo">Where the room's activation lives.</param>
    [OneWay]
    Task FollowRoom(SiloAddress roomSilo);

    /// <summary>Buffers one input. Inputs whose <see cref="PlayerInput.Seq"/> is not above the newest buffered or applied one are ignored.</summary>
    /// <remarks>Interleaves with the player's other calls (a join in flight must not hold inputs back); it touches only the input buffer.</remarks>
    [OneWay, AlwaysInterleave]
    Task SubmitInput(PlayerInput input);

    /// <summary>Takes the newest buffered input for the room's tick and clears the buffer.</summary>
    /// <returns>The input; <see cref="InputSample.HasInput"/> is false when none arrived since the last take.</returns>
    /// <remarks>
    /// Interleaves: the room's tick calls it while the player may be awaiting that same room (a join or leave in
    /// flight); without interleaving the two would wait on each other. It touches only the input buffer.
    /// </remarks>
    [AlwaysInterleave]
    Task<InputSample> TakeInput();
}
