using Game.Grains.Interfaces;
using Game.Grains.Placement;
using Orleans;

namespace Game.Grains.Rooms;

/// <summary>Reports the figures of the silo it is pinned to (<see cref="SiloPinnedPlacementAttribute"/>) from its <see cref="LocalRooms"/>.</summary>
[SiloPinnedPlacement]
public sealed class SiloStatsGrain(LocalRooms rooms) : Grain, ISiloStatsGrain
{
    /// <inheritdoc />
    public Task<SiloRoomStats> Get() => Task.FromResult(new SiloRoomStats(rooms.Count, rooms.Players, rooms.TickP99Ms(), rooms.TickLatenessP99Ms()));
}
