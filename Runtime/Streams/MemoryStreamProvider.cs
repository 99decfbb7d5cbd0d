using System.Collections.Concurrent;
using Game.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace Game.Runtime.Streams;

/// <summary>
/// An in-process stream provider: publishing fans out to each subscription's own bounded queue.
/// Stands for Orleans's memory stream provider (<c>AddMemoryStreams</c>).
/// </summary>
internal sealed class MemoryStreamProvider(string name, StreamDeliveryOptions options, ILoggerFactory loggers) : IStreamProvider
{
    // Per stream id, the current subscriptions (an immutable array, replaced on change); absent when none.
    private readonly ConcurrentDictionary<StreamId, object> _subscribers = new();
    private readonly Lock _lock = new();
    private readonly ILogger _logger = loggers.CreateLogger<MemoryStreamProvider>();

    public string Name => name;

    /// <summary>Stream handles are stateless: any number may exist for one id, and all see the same subscribers.</summary>
    public IAsyncStream<T> GetStream<T>(StreamId id) => new MemoryStream<T>(id, this);

    internal int Capacity => options.SubscriberQueueCapacity;

    internal ILogger Logger => _logger;

    internal T[]? Subscribers<T>(StreamId id) where T : class => _subscribers.TryGetValue(id, out var subs) ? subs as T[] : null;

    internal void Add<T>(StreamId id, T subscription) where T : class
    {
        lock (_lock)
        {
            var current = _subscribers.TryGetValue(id, out var existing) ? (T[])existing : [];
            _subscribers[id] = (T[])[.. current, subscription];
        }
    }

    internal void Remove<T>(StreamId id, T subscription) where T : class
    {
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(id, out var existing)) return;
            T[] rest = [.. ((T[])existing).Where(s => s != subscription)];
            if (rest.Length == 0) _subscribers.TryRemove(id, out _);
            else _subscribers[id] = rest;
        }
    }
}
