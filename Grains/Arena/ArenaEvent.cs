namespace Game.Grains.Arena;

/// <summary>Something that happened during one <see cref="ArenaSimulation.Step"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Target">The player it happened to (hit, killed or respawned).</param>
/// <param name="By">The attacker for <see cref="ArenaEventKind.Attacked"/> and <see cref="ArenaEventKind.Killed"/> (the player
/// whose hit took the last hit points); the empty string for <see cref="ArenaEventKind.Respawned"/>.</param>
/// <param name="Hp">The target's hit points afterwards: after the hit, 0 when killed, <see cref="ArenaRules.MaxHp"/> when respawned.</param>
public readonly record struct ArenaEvent(ArenaEventKind Kind, string Target, string By, int Hp);
