using Orleans;
using Orleans.Concurrency;

namespace Game.Grains.Interfaces;

/// <summary>The rooms list (single grain, key <see cref="Key"/>): rooms report themselves here.</summary>
[Alias("game.ILobbyGrain")]
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
