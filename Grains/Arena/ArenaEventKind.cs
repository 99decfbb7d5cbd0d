namespace Game.Grains.Arena;

/// <summary>The kinds of <see cref="ArenaEvent"/> a <see cref="ArenaSimulation.Step"/> reports.</summary>
public enum ArenaEventKind
{
    /// <summary>A living player was hit by an effective attack (protocol <c>player_attacked</c>).</summary>
    Attacked,

    /// <summary>A player's hp reached 0 (protocol <c>player_killed</c>); it respawns <see cref="ArenaRules.RespawnDelayMs"/> later.</summary>
    Killed,

    /// <summary>A dead player came back at a random position with full hp (no protocol message; visible in <c>map</c>).</summary>
    Respawned,
}
