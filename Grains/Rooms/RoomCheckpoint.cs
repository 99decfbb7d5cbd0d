using System.Collections.Immutable;
using Game.Grains.Arena;

namespace Game.Grains.Rooms;

/// <summary>
/// Everything a room needs to resume on another silo: kind, password, the full simulation state (tick counter,
/// positions, hp, cooldowns, acks, held inputs) and the seated players' names. Written as JSON to grain storage.
/// </summary>
/// <param name="Kind">Room kind.</param>
/// <param name="Password">The creator's password, or null.</param>
/// <param name="Arena">The simulation state (<see cref="ArenaSimulation.Capture"/>).</param>
/// <param name="Seats">Seated players in join order.</param>
/// <param name="LastTickMs">Server time of the last published snapshot, ms since the Unix epoch.</param>
internal sealed record RoomCheckpoint(string Kind, string? Password, ArenaState Arena, ImmutableArray<SeatCheckpoint> Seats, long LastTickMs);

/// <summary>A seated player in a <see cref="RoomCheckpoint"/>.</summary>
/// <param name="Id">Player id.</param>
/// <param name="Name">Display name.</param>
internal sealed record SeatCheckpoint(string Id, string Name);
