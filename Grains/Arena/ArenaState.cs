using System.Collections.Immutable;
using Orleans;

namespace Game.Grains.Arena;

/// <summary>
/// The complete state of an <see cref="ArenaSimulation"/> between steps, for checkpoints and migration:
/// <see cref="ArenaSimulation.Restore"/> of a <see cref="ArenaSimulation.Capture"/> continues exactly as the original would,
/// given the same inputs and rules.
/// </summary>
/// <param name="Tick">Steps taken.</param>
/// <param name="TimeMs">Simulation clock, ms; always <see cref="ArenaRules.TimeAtTick"/>(<paramref name="Tick"/>).</param>
/// <param name="RngState">State of the simulation's SplitMix64 generator (spawn positions).</param>
/// <param name="NextJoinOrder">The <see cref="ArenaPlayerState.JoinOrder"/> the next joiner will get.</param>
/// <param name="HostId">The host's player id; null when the room is empty.</param>
/// <param name="Players">Seated players, in join order (ascending <see cref="ArenaPlayerState.JoinOrder"/>).</param>
[GenerateSerializer, Alias("game.ArenaState"), Immutable]
public sealed record ArenaState(long Tick, long TimeMs, ulong RngState, long NextJoinOrder, string? HostId, ImmutableArray<ArenaPlayerState> Players);
