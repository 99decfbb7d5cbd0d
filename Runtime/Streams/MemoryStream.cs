using System.Threading.Channels;

namespace Game.Runtime.Streams;

/// <summary>
/// A handle on one in-memory stream. The subscriptions live in the provider, keyed by stream id, so every
/// handle of an id publishes to the same subscribers; each subscription has its own queue and delivery loop.
/// </summary>
internal sealed class MemoryStream<T>(StreamId id, MemoryStreamProvider provider) : IAsyncStream<T>
{
    private long _sequence;

    public StreamId StreamId => id;

    public Task OnNextAsync(T item)
    {
        var subscriptions = provider.Subscribers<Subscription>(id);
        if (subscriptions is null) return Task.CompletedTask;
        var token = new StreamSequenceToken(Interlocked.Increment(ref _sequence));
        foreach (var subscription in subscriptions) subscription.Post(item, token);
        return Task.CompletedTask;
    }

    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(this, observer);
        provider.Add(id, subscription);
        subscription.Start();
        return Task.FromResult<StreamSubscriptionHandle<T>>(subscription);
    }

    public Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles()
        => Task.FromResult<IList<StreamSubscriptionHandle<T>>>([.. provider.Subscribers<Subscription>(id) ?? []]);

    private void Remove(Subscription subscription) => provider.Remove(id, subscription);

    /// <summary>A subscriber's bounded queue (oldest dropped when full) and its delivery loop.</summary>
    private sealed class Subscription : StreamSubscriptionHandle<T>
    {
        private readonly MemoryStream<T> _stream;
        private readonly IAsyncObserver<T> _observer;
        private readonly Channel<(T Item, StreamSequenceToken Token)> _queue;
        private long _dropped;
        private volatile bool _unsubscribed;

        public Subscription(MemoryStream<T> stream, IAsyncObserver<T> observer)
        {
            _stream = stream;
            _observer = observer;
            _queue = Channel.CreateBounded<(T, StreamSequenceToken)>(
                new BoundedChannelOptions(stream.ProviderCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _dropped));
        }

        public override StreamId StreamId => _stream.StreamId;

        public override Guid HandleId { get; } = Guid.NewGuid();

        public void Post(T item, StreamSequenceToken token) => _queue.Writer.TryWrite((item, token));

        public void Start() => _ = Task.Run(DeliverAsync);

        private async Task DeliverAsync()
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var entry))
                {
                    if (_unsubscribed) return;
                    var dropped = Interlocked.Exchange(ref _dropped, 0);
                    if (dropped > 0)
                    {
                        RuntimeLog.SubscriberDropped(_stream.Logger, _stream.StreamId.ToString(), dropped);
                        await Report(new StreamItemsDroppedException(dropped)).ConfigureAwait(false);
                    }
                    try
                    {
                        await _observer.OnNextAsync(entry.Item, entry.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        RuntimeLog.SubscriberFailed(_stream.Logger, ex, _stream.StreamId.ToString());
                        await Report(ex).ConfigureAwait(false);
                    }
                }
            }
        }

        private async Task Report(Exception ex)
        {
            try
            {
                await _observer.OnErrorAsync(ex).ConfigureAwait(false);
            }
            catch (Exception inner)
            {
                RuntimeLog.SubscriberFailed(_stream.Logger, inner, _stream.StreamId.ToString());
            }
        }

        public override Task UnsubscribeAsync()
        {
            if (_unsubscribed) return Task.CompletedTask;
            _unsubscribed = true;
            _queue.Writer.TryComplete();
            _stream.Remove(this);
            return Task.CompletedTask;
        }
    }

    private int ProviderCapacity => provider.Capacity;

    private Microsoft.Extensions.Logging.ILogger Logger => provider.Logger;
}
