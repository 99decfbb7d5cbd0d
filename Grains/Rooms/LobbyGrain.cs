using Game.Grains.Interfaces;
using Orleans;

namespace Game.Grains.Rooms;

/// <summary>The room list: rooms report themselves on every join and leave, and remove themselves when they end.</summary>
public sealed class LobbyGrain : Grain, ILobbyGrain
{
    private readonly SortedDictionary<string, RoomSummary> _rooms = new(StringComparer.Ordinal);
    private IReadOnlyList<RoomSummary>? _list;

    /// <inheritdoc />
    public Task Publish(RoomSummary room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (room.Players == 0) _rooms.Remove(room.Id);
        else _rooms[room.Id] = room;
        _list = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Remove(string roomId)
    {
        if (_rooms.Remove(roomId)) _list = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RoomSummary>> List() => Task.FromResult(_list ??= [.. _rooms.Values]);
}
