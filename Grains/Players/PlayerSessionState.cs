namespace Game.Grains.Players;

/// <summary>The stored part of a player session (grain storage, JSON).</summary>
/// <param name="Name">Display name.</param>
/// <param name="Token">Resume token.</param>
/// <param name="RoomId">The room the player is seated in, or null.</param>
/// <param name="DisconnectedAtMs">When the connection dropped (ms since the Unix epoch), or null while connected.</param>
/// <param name="Connection">The current connection's number (<see cref="Interfaces.PlayerSession.Connection"/>); 0 in state written before it existed.</param>
internal sealed record PlayerSessionState(string Name, string Token, string? RoomId, long? DisconnectedAtMs, int Connection = 0);
