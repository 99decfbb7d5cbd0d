using System.Collections.Concurrent;
using System.Text.Json;
using Game.Runtime.Streams;

namespace Game.Runtime.Networking;

/// <summary>
/// A stream provider for a cluster, wrapping an in-process provider of the same name (normally the memory provider).
/// Publishing reaches the local subscribers (through the wrapped provider) and every connection that subscribed to the
/// stream here, with the item serialized once and the same bytes written to each. Subscribing keeps the subscriber in
/// the wrapped provider and, while a stream has at least one local subscriber, asks every active silo for its items
/// (<see cref="ClusterStreams"/>), so a publisher that moves to another silo keeps reaching it.
/// </summary>
/// <remarks>
/// Items from other silos are published into the wrapped provider only, never sent on. Items are matched by stream id
/// and item type name: a subscriber of <c>IAsyncStream&lt;RoomEvent&gt;</c> receives what is published as
/// <c>RoomEvent</c>, as with the memory provider. A gateway's own publishes reach only its local subscribers.
/// </remarks>
internal sealed class ClusterStreamProvider : IStreamProvider
{
    private readonly IStreamProvider _inner;
    private readonly ClusterStreams _cluster;
    private readonly ConcurrentDictionary<StreamKey, RemoteFeed> _interest = new();
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);

    public ClusterStreamProvider(IStreamProvider inner, ClusterStreams cluster)
    {
        _inner = inner;
        _cluster = cluster;
        cluster.Register(this);
    }

    public string Name => _inner.Name;

    /// <summary>The wrapped in-process provider.</summary>
    public IStreamProvider Inner => _inner;

    /// <summary>Streams (and item types) with at least one local subscriber: what this process asks silos for.</summary>
    public ICollection<StreamKey> Interest => _interest.Keys;

    public IAsyncStream<T> GetStream<T>(StreamId id) => new ClusterStream<T>(this, _inner.GetStream<T>(id));

    /// <summary>Sends <paramref name="item"/> to the connections subscribed to the stream here: encoded once, one shared frame.</summary>
    /// <exception cref="NotSupportedException">The item cannot be serialized (no remote subscriber receives it).</exception>
    internal void PublishRemote<T>(StreamId id, T item)
    {
        var subscribers = _cluster.Subscribers;
        if (subscribers.IsEmpty) return;
        var key = new StreamKey(Name, id, StreamItemType<T>.Name);
        if (subscribers.Get(key) is not { } connections) return;

        var encoder = FrameEncoder.ForCurrentThread;
        var b = encoder.Buffer;
        b.Start(FrameKind.StreamItem);
        key.Write(b);
        var json = encoder.Json();
        JsonSerializer.Serialize(json, item, NetworkingJson.Options);
        json.Flush();
        var frame = new SharedFrame(b.Finish().ToArray(), isStreamItem: true);
        foreach (var connection in connections) connection.TrySend(frame);
    }

    internal async Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(IAsyncStream<T> inner, IAsyncObserver<T> observer)
    {
        await _subscriptionLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var handle = await inner.SubscribeAsync(observer).ConfigureAwait(false);
            var key = new StreamKey(Name, inner.StreamId, StreamItemType<T>.Name);
            if (_interest.TryAdd(key, new RemoteFeed<T>(inner))) _cluster.SubscribeEverywhere(key);
            return new ClusterSubscriptionHandle<T>(this, inner, handle);
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    internal async Task UnsubscribeAsync<T>(IAsyncStream<T> inner, StreamSubscriptionHandle<T> handle)
    {
        await _subscriptionLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await handle.UnsubscribeAsync().ConfigureAwait(false);
            if ((await inner.GetAllSubscriptionHandles().ConfigureAwait(false)).Count > 0) return;
            var key = new StreamKey(Name, inner.StreamId, StreamItemType<T>.Name);
            if (_interest.TryRemove(key, out _)) _cluster.UnsubscribeEverywhere(key);
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    /// <summary>An item another process published: to the local subscribers, if there still are any.</summary>
    /// <returns>False when nobody here subscribes to that stream and type any more.</returns>
    /// <exception cref="JsonException">The item does not fit the subscribers' item type.</exception>
    internal bool DeliverRemote(in StreamKey key, ReadOnlySpan<byte> json)
    {
        if (!_interest.TryGetValue(key, out var feed)) return false;
        feed.Publish(json);
        return true;
    }

    /// <summary>Publishes items that came over the network into the wrapped provider (one handle, so sequence tokens increase).</summary>
    private abstract class RemoteFeed
    {
        public abstract void Publish(ReadOnlySpan<byte> json);
    }

    private sealed class RemoteFeed<T>(IAsyncStream<T> inner) : RemoteFeed
    {
        public override void Publish(ReadOnlySpan<byte> json) => _ = inner.OnNextAsync(JsonSerializer.Deserialize<T>(json, NetworkingJson.Options)!);
    }
}

/// <summary>A handle on a cluster stream: publishes locally and to remote subscribers; subscribes through the provider.</summary>
internal sealed class ClusterStream<T>(ClusterStreamProvider provider, IAsyncStream<T> inner) : IAsyncStream<T>
{
    public StreamId StreamId => inner.StreamId;

    public Task OnNextAsync(T item)
    {
        var local = inner.OnNextAsync(item);
        try
        {
            provider.PublishRemote(inner.StreamId, item);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
        return local;
    }

    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return provider.SubscribeAsync(inner, observer);
    }

    public async Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles()
        => [.. (await inner.GetAllSubscriptionHandles().ConfigureAwait(false)).Select(h => new ClusterSubscriptionHandle<T>(provider, inner, h))];
}

/// <summary>A subscription made through a <see cref="ClusterStreamProvider"/>: unsubscribing the last one of a stream withdraws it from the silos.</summary>
internal sealed class ClusterSubscriptionHandle<T>(ClusterStreamProvider provider, IAsyncStream<T> stream, StreamSubscriptionHandle<T> inner)
    : StreamSubscriptionHandle<T>
{
    public override StreamId StreamId => inner.StreamId;

    public override Guid HandleId => inner.HandleId;

    public override Task UnsubscribeAsync() => provider.UnsubscribeAsync(stream, inner);
}
