using Game.Runtime;

namespace Game.Grains.Interfaces;

/// <summary>
/// One player session (key: the player id, assigned by the server, never taken from the client).
/// Holds the name, resume token and current room, and buffers the player's inputs until the room's
/// next tick takes them (newest wins; attack presses in between are kept).
/// </summary>
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
    /// Moves this player to the silo of its room if it is elsewhere (players are placed with their room, so the
    /// room's tick reads their inputs without leaving its process). Called after a join and when a room resumes on
    /// another silo. No-op when already there or in no room.
    /// </summary>
    [OneWay]
    Task FollowRoom();

    /// <summary>Buffers one input. Inputs whose <see cref="PlayerInput.Seq"/> is not above the newest buffered or applied one are ignored.</summary>
    [OneWay]
    Task SubmitInput(PlayerInput input);

    /// <summary>Takes the newest buffered input for the room's tick and clears the buffer.</summary>
    /// <returns>The input; <see cref="InputSample.HasInput"/> is false when none arrived since the last take.</returns>
    Task<InputSample> TakeInput();
}

/// <summary>The rooms list (single grain, key <see cref="Key"/>): rooms report themselves here.</summary>
public interface ILobbyGrain : IGrainWithStringKey
{
    /// <summary>The key of the one lobby grain.</summary>
    public const string Key = "lobby";

    /// <summary>Adds or updates a room's entry.</summary>
    [OneWay]
    Task Publish(RoomSummary room);

    /// <summary>Removes a room's entry (room empty or deactivated).</summary>
    [OneWay]
    Task Remove(string roomId);

    /// <summary>All rooms with at least one player, ordered by id.</summary>
    Task<IReadOnlyList<RoomSummary>> List();
}
