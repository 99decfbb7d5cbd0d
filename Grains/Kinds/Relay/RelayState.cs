using System.Collections.Immutable;
using Orleans;

namespace Game.Grains.Kinds.Relay;

/// <summary>A relay room's whole state (<see cref="IRoomRules.Capture"/>).</summary>
/// <param name="Max">The room's capacity, 2–16.</param>
/// <param name="Seats">The seated players, in join order.</param>
[GenerateSerializer, Alias("game.RelayState"), Immutable]
public sealed record RelayState(int Max, ImmutableArray<RelaySeat> Seats);

/// <summary>A seated player of a relay room.</summary>
/// <param name="Id">Player id.</param>
/// <param name="ColorSlot">Its colour (<c>ArenaColors.ForSlot</c>): the lowest slot free when it joined.</param>
[GenerateSerializer, Alias("game.RelaySeat"), Immutable]
public readonly record struct RelaySeat(string Id, int ColorSlot);
