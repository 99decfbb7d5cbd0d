using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Streaming;

/// <summary>
/// A stream of <see cref="PushStreamProvider"/>: publishing sends the item to the stream's consuming processes at once;
/// subscribing adds a local subscription (and, for the process's first, subscribes it at the rendezvous).
/// </summary>
/// <typeparam name="T">The item type; items of another type on the same stream are not given to this subscriber.</typeparam>
internal sealed class PushStream<T>(PushStreamProvider provider, StreamId streamId) : IAsyncStream<T>, IPushStreamHandover
{
    public PushStreamHandoverState? HandOver() => provider.HandOver(streamId);

    public void TakeOver(PushStreamHandoverState state) => provider.TakeOver(streamId, state);

    public StreamId StreamId => streamId;
    public string ProviderName => provider.Name;
    public bool IsRewindable => false;

    /// <summary>Sends <paramref name="item"/> to every consuming process; returns at once (it waits for no consumer).</summary>
    /// <param name="item">The item; it must be serializable by Orleans.</param>
    /// <param name="token">Ignored: push streams have no sequence tokens.</param>
    public Task OnNextAsync(T item, StreamSequenceToken? token = null)
    {
        provider.Publish(streamId, PushStreamItemKind.Item, item);
        return Task.CompletedTask;
    }

    /// <summary>Sends the items in order, as <see cref="OnNextAsync"/> does.</summary>
    public Task OnNextBatchAsync(IEnumerable<T> batch, StreamSequenceToken? token = null)
    {
        foreach (var item in batch) provider.Publish(streamId, PushStreamItemKind.Item, item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync()
    {
        provider.Publish(streamId, PushStreamItemKind.Completed, null);
        return Task.CompletedTask;
    }

    public Task OnErrorAsync(Exception ex)
    {
        provider.Publish(streamId, PushStreamItemKind.Error, null, ex.Message);
        return Task.CompletedTask;
    }

    /// <summary>Subscribes <paramref name="observer"/>; items published after this returns reach it.</summary>
    /// <exception cref="NotSupportedException">Called from a grain: grains publish on push streams but do not consume them.</exception>
    /// <exception cref="Exception">The stream's rendezvous could not be reached; nothing was subscribed.</exception>
    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer) => provider.SubscribeAsync(streamId, observer);

    /// <summary>As <see cref="SubscribeAsync(IAsyncObserver{T})"/>.</summary>
    /// <exception cref="NotSupportedException">A token or a filter was given: push streams cannot rewind or filter.</exception>
    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token, string? filterData = null) =>
        token is null && filterData is null
            ? provider.SubscribeAsync(streamId, observer)
            : throw new NotSupportedException("Push streams cannot rewind to a token or filter items.");

    /// <summary>Not supported: push streams deliver items one at a time.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncBatchObserver<T> observer) =>
        throw new NotSupportedException("Push streams deliver items one at a time; subscribe with an IAsyncObserver<T>.");

    /// <summary>Not supported: push streams deliver items one at a time.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncBatchObserver<T> observer, StreamSequenceToken? token) =>
        throw new NotSupportedException("Push streams deliver items one at a time; subscribe with an IAsyncObserver<T>.");

    /// <summary>This process's subscriptions to the stream (subscriptions are not shared between processes).</summary>
    public Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles() => Task.FromResult(provider.Handles<T>(streamId));

    public bool Equals(IAsyncStream<T>? other) => other is not null && other.StreamId == streamId && other.ProviderName == ProviderName;
    public override bool Equals(object? obj) => obj is IAsyncStream<T> other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(streamId, ProviderName);
    public int CompareTo(IAsyncStream<T>? other) => other is null ? 1 : streamId.CompareTo(other.StreamId);
    public override string ToString() => $"{ProviderName}/{streamId}";
}

/// <summary>
/// How a stream's one producing grain moves to another process (live migration) without a gap or a reorder: it takes
/// its producer id, its sequence number and its stream's consumers along, so its first items after the move go out at
/// once and consumers see one unbroken sequence. Push streams implement it. Only for streams one grain produces.
/// </summary>
public interface IPushStreamHandover
{
    /// <summary>Ends this process's producing of the stream (call it when the grain leaves, e.g. in OnDehydrate).</summary>
    /// <returns>What <see cref="TakeOver"/> needs in the next process, or null if this process never published on it.</returns>
    PushStreamHandoverState? HandOver();

    /// <summary>Carries on where <see cref="HandOver"/> left off (call it when the grain arrives, e.g. in OnRehydrate).</summary>
    /// <param name="state">What <see cref="HandOver"/> returned in the process the grain left.</param>
    void TakeOver(PushStreamHandoverState state);
}

/// <summary>A producer's place in its stream, carried from one process to the next when it moves.</summary>
/// <param name="Producer">The producer id consumers order its items by.</param>
/// <param name="Sequence">The sequence number of its last item.</param>
/// <param name="Consumers">The consumers it knew, or null if it did not know them yet.</param>
[GenerateSerializer, Immutable, Alias("game.streams.PushStreamHandoverState")]
public sealed record PushStreamHandoverState(Guid Producer, long Sequence, PushStreamConsumers? Consumers);
