using Orleans;
using Game.Grains.Interfaces;
using Orleans.Streams;

namespace Game.Gateway.Cluster;

/// <summary>Where the gateway's room feeds come from: the rooms' Orleans streams (tests substitute a fake cluster).</summary>
internal interface IRoomEventSource
{
    /// <summary>Subscribes <paramref name="observer"/> to room <paramref name="roomId"/>'s stream of snapshots and events.</summary>
    /// <returns>Disposing it ends the subscription.</returns>
    /// <exception cref="Exception">The subscription could not be made (the cluster is unreachable).</exception>
    Task<IAsyncDisposable> SubscribeAsync(string roomId, IAsyncObserver<RoomEvent> observer);
}

/// <summary>Subscribes to the rooms' streams (provider <see cref="RoomStreams.Provider"/>) through the Orleans client.</summary>
internal sealed class OrleansRoomEventSource(IClusterClient client) : IRoomEventSource
{
    public async Task<IAsyncDisposable> SubscribeAsync(string roomId, IAsyncObserver<RoomEvent> observer)
    {
        var stream = client.GetStreamProvider(RoomStreams.Provider).GetStream<RoomEvent>(RoomStreams.For(roomId));
        return new Subscription(await stream.SubscribeAsync(observer).ConfigureAwait(false));
    }

    private sealed class Subscription(StreamSubscriptionHandle<RoomEvent> handle) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(handle.UnsubscribeAsync());
    }
}
