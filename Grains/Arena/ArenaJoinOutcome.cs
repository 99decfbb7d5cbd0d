namespace Game.Grains.Arena;

/// <summary>What <see cref="ArenaSimulation.TryAddPlayer"/> did.</summary>
public enum ArenaJoinOutcome
{
    /// <summary>The player took a free seat: spawned at a random position with full hp and a free colour.</summary>
    Added,

    /// <summary>The player was already seated; nothing changed.</summary>
    AlreadySeated,

    /// <summary>Every seat (<see cref="ArenaRules.MaxPlayers"/>) is taken; nothing changed (protocol error <c>room_full</c>).</summary>
    Full,
}
