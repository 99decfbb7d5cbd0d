namespace Game.Runtime.Streams;

/// <summary>
/// A named source of streams. Stands for Orleans's <c>IStreamProvider</c>.
/// </summary>
public interface IStreamProvider
{
    /// <summary>The name the provider was registered under (e.g. <c>"Default"</c>).</summary>
    string Name { get; }

    /// <summary>Returns the stream <paramref name="id"/> carrying items of type <typeparamref name="T"/>. Streams need no creation.</summary>
    IAsyncStream<T> GetStream<T>(StreamId id);
}

/// <summary>
/// Receives the items of a stream. Stands for Orleans's <c>IAsyncObserver&lt;T&gt;</c>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IAsyncObserver<in T>
{
    /// <summary>Handles one item. Items of one subscription are delivered one at a time, in order.</summary>
    /// <param name="item">The item.</param>
    /// <param name="token">Its position in the stream.</param>
    Task OnNextAsync(T item, StreamSequenceToken? token = null);

    /// <summary>Called when <see cref="OnNextAsync"/> threw, or items were dropped because this subscriber fell behind.</summary>
    Task OnErrorAsync(Exception ex);
}

/// <summary>
/// A stream: publish with <see cref="OnNextAsync"/>, receive with <see cref="SubscribeAsync"/>.
/// Stands for Orleans's <c>IAsyncStream&lt;T&gt;</c>.
/// </summary>
/// <remarks>
/// Delivery rules: each subscription has its own bounded queue and delivery loop. Publishing only
/// enqueues, so a slow, stuck or failing subscriber never delays the producer or other subscribers;
/// when a subscriber's queue is full, its oldest undelivered item is dropped and it is told through
/// <see cref="IAsyncObserver{T}.OnErrorAsync"/> (<see cref="StreamItemsDroppedException"/>).
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public interface IAsyncStream<T>
{
    /// <summary>This stream's id.</summary>
    StreamId StreamId { get; }

    /// <summary>Publishes <paramref name="item"/> to every current subscriber. Completes once queued, not delivered.</summary>
    Task OnNextAsync(T item);

    /// <summary>Subscribes <paramref name="observer"/>; it receives items published from now on.</summary>
    /// <returns>A handle; unsubscribe with it.</returns>
    Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer);

    /// <summary>The subscriptions of this stream made in this process.</summary>
    Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles();
}

/// <summary>A subscription to a stream. Stands for Orleans's <c>StreamSubscriptionHandle&lt;T&gt;</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
public abstract class StreamSubscriptionHandle<T>
{
    /// <summary>The stream subscribed to.</summary>
    public abstract StreamId StreamId { get; }

    /// <summary>A unique id of this subscription.</summary>
    public abstract Guid HandleId { get; }

    /// <summary>Ends the subscription; no item is delivered after this completes. Idempotent.</summary>
    public abstract Task UnsubscribeAsync();
}

/// <summary>Told to a subscriber whose queue overflowed: <see cref="Count"/> items were dropped, oldest first.</summary>
/// <param name="count">Items dropped since the last report.</param>
public sealed class StreamItemsDroppedException(long count)
    : Exception($"{count} stream item(s) were dropped because the subscriber fell behind.")
{
    /// <summary>Items dropped since the last report.</summary>
    public long Count { get; } = count;
}

/// <summary>Helpers for subscribing with delegates. Stand for Orleans's <c>AsyncObservableExtensions</c>.</summary>
public static class AsyncStreamExtensions
{
    /// <summary>Subscribes delegates instead of an <see cref="IAsyncObserver{T}"/>.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="onNextAsync">Handles each item.</param>
    /// <param name="onErrorAsync">Handles errors; null ignores them.</param>
    public static Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(this IAsyncStream<T> stream,
        Func<T, StreamSequenceToken?, Task> onNextAsync, Func<Exception, Task>? onErrorAsync = null)
        => stream.SubscribeAsync(new DelegateObserver<T>(onNextAsync, onErrorAsync));

    /// <summary>Returns the stream provider registered under <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No provider of that name is registered.</exception>
    public static IStreamProvider GetStreamProvider(this IServiceProvider services, string name)
    {
        foreach (var provider in (IEnumerable<IStreamProvider>?)services.GetService(typeof(IEnumerable<IStreamProvider>)) ?? [])
        {
            if (provider.Name == name) return provider;
        }
        throw new KeyNotFoundException($"No stream provider named '{name}' is registered; add it with AddMemoryStreams(\"{name}\").");
    }

    private sealed class DelegateObserver<T>(Func<T, StreamSequenceToken?, Task> onNext, Func<Exception, Task>? onError) : IAsyncObserver<T>
    {
        public Task OnNextAsync(T item, StreamSequenceToken? token = null) => onNext(item, token);
        public Task OnErrorAsync(Exception ex) => onError?.Invoke(ex) ?? Task.CompletedTask;
    }
}
