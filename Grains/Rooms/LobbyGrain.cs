using Game.Grains.Interfaces;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Grains.Rooms;

/// <summary>
/// The room list: rooms report themselves on every join and leave, and remove themselves when they end. Changes are
/// pushed to every gateway (<see cref="GatewayStreams.All"/>, <see cref="LobbyChangedEvent"/>) at most every
/// <see cref="PushInterval"/>, for the players watching the lobby (shared protocol.md v1.1, "Live lobby").
/// </summary>
public sealed class LobbyGrain(TimeProvider time) : Grain, ILobbyGrain
{
    /// <summary>Least time between two pushes of the list: at most twice a second (shared protocol.md v1.1). <value>500 ms.</value></summary>
    public static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(500);

    private readonly SortedDictionary<string, RoomSummary> _rooms = new(StringComparer.Ordinal);
    private IReadOnlyList<RoomSummary>? _list;
    private IGrainTimer? _push;
    private long _lastPush;
    private bool _pushed;

    /// <inheritdoc />
    public Task Publish(RoomSummary room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (room.Players == 0) _rooms.Remove(room.Id);
        else if (_rooms.TryGetValue(room.Id, out var known) && known == room) return Task.CompletedTask;
        else _rooms[room.Id] = room;
        Changed();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Remove(string roomId)
    {
        if (_rooms.Remove(roomId)) Changed();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RoomSummary>> List() => Task.FromResult(_list ??= [.. _rooms.Values]);

    /// <summary>The list changed: push it now, or when <see cref="PushInterval"/> has passed since the last push.</summary>
    private void Changed()
    {
        _list = null;
        if (_push is not null) return;
        var wait = _pushed ? PushInterval - time.GetElapsedTime(_lastPush) : TimeSpan.Zero;
        _push = this.RegisterGrainTimer(static (lobby, _) => lobby.PushAsync(), this,
            new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task PushAsync()
    {
        _push?.Dispose();
        _push = null;
        _lastPush = time.GetTimestamp();
        _pushed = true;
        var list = _list ??= [.. _rooms.Values];
        await this.GetStreamProvider(RoomStreams.Provider).GetStream<GatewayEvent>(GatewayStreams.All)
            .OnNextAsync(new LobbyChangedEvent([.. list]));
    }
}
