using Orleans;

namespace Game.Grains.Players;

/// <summary>The persisted part of a player session (<see cref="GameStorage.Name"/>); null fields in a player that has no session.</summary>
[GenerateSerializer, Alias("game.PlayerSessionState")]
public sealed class PlayerSessionState
{
    /// <summary>Display name, 1–24 chars.</summary>
    [Id(0)] public string? Name { get; set; }

    /// <summary>Resume token (<c>&lt;playerId&gt;.&lt;secret&gt;</c>), or null when the session has ended.</summary>
    [Id(1)] public string? Token { get; set; }

    /// <summary>The room the player is seated in, or null.</summary>
    [Id(2)] public string? RoomId { get; set; }

    /// <summary>When the connection dropped (ms since the Unix epoch), or null while connected.</summary>
    [Id(3)] public long? DisconnectedAtMs { get; set; }

    /// <summary>The current connection's number (<see cref="Interfaces.PlayerSession.Connection"/>).</summary>
    [Id(4)] public int Connection { get; set; }

    /// <summary>The gateway holding the current connection (whispers go to its stream), or null.</summary>
    [Id(5)] public string? Gateway { get; set; }
}
