using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Game.Streaming;

/// <summary>
/// One process's mailbox for a push stream provider (an Orleans grain observer): producers send it the items of the
/// streams it consumes, and stream rendezvous grains tell it who consumes the streams it produces.
/// </summary>
/// <remarks>
/// Orleans runs an observer's calls one at a time, in the order they arrive, so the items of one stream reach the
/// process's subscribers in the order one producer sent them. A process has several endpoints
/// (<see cref="PushStreamOptions.Endpoints"/>) so that different streams are delivered in parallel.
/// </remarks>
[Alias("game.streams.IPushStreamEndpoint")]
public interface IPushStreamEndpoint : IGrainObserver
{
    /// <summary>An item of a stream this endpoint subscribed to. One-way: the producer never waits for consumers.</summary>
    /// <param name="item">The stream and the item.</param>
    [OneWay, Alias("Deliver")]
    Task Deliver(PushStreamItem item);

    /// <summary>
    /// Items that waited while the producer did not yet know the consumers, in order. One message, because Orleans
    /// does not keep the order of separate messages sent from outside a grain's turn to a target it has not yet located.
    /// </summary>
    /// <param name="items">The items, oldest first.</param>
    [OneWay, Alias("DeliverBatch")]
    Task DeliverBatch(ImmutableArray<PushStreamItem> items);

    /// <summary>The consumers of a stream this endpoint produces changed (a rendezvous grain waits for the answer, briefly).</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="consumers">Its consumers now.</param>
    [Alias("ConsumersChanged")]
    Task ConsumersChanged(StreamId stream, PushStreamConsumers consumers);
}

/// <summary>What a producer sends: an item, the end of the stream, or an error.</summary>
public enum PushStreamItemKind
{
    /// <summary><see cref="PushStreamItem.Item"/> is the next item (<c>IAsyncObserver.OnNextAsync</c>).</summary>
    Item,

    /// <summary>The producer completed the stream (<c>IAsyncObserver.OnCompletedAsync</c>).</summary>
    Completed,

    /// <summary>The producer reported an error (<c>IAsyncObserver.OnErrorAsync</c>); <see cref="PushStreamItem.Error"/> says which.</summary>
    Error,
}

/// <summary>One delivery to an endpoint. Immutable: within a process it is handed over without a copy.</summary>
/// <param name="Stream">The stream it belongs to.</param>
/// <param name="Producer">Which producer sent it: one id per producing process and stream.</param>
/// <param name="Sequence">Its place in that producer's items: 1, 2, 3, … The consuming process hands items over in
/// this order even when Orleans delivers them out of it (a silo may route messages to a client through any of the
/// gateways the client is connected to).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Item">The item (a serializable object), for <see cref="PushStreamItemKind.Item"/>.</param>
/// <param name="Error">The error message, for <see cref="PushStreamItemKind.Error"/>.</param>
[GenerateSerializer, Immutable, Alias("game.streams.PushStreamItem")]
public sealed record PushStreamItem(StreamId Stream, Guid Producer, long Sequence, PushStreamItemKind Kind, object? Item, string? Error = null);

/// <summary>A stream's consumers as its rendezvous grain knows them.</summary>
/// <param name="Epoch">Changes when the rendezvous lost its state and started over (memory storage on a silo that died).</param>
/// <param name="Version">Grows with every change within an epoch; a producer keeps the list with the highest one.</param>
/// <param name="Endpoints">One endpoint per consuming process, however many subscriptions that process has.</param>
[GenerateSerializer, Immutable, Alias("game.streams.PushStreamConsumers")]
public sealed record PushStreamConsumers(Guid Epoch, long Version, ImmutableArray<IPushStreamEndpoint> Endpoints)
{
    /// <summary>Whether this list should replace <paramref name="current"/> (another epoch, or a later version of the same one).</summary>
    /// <param name="current">The list a producer has, or null.</param>
    public bool Supersedes(PushStreamConsumers? current) =>
        current is null || current.Epoch != Epoch || Version > current.Version;
}

/// <summary>
/// The rendezvous of one push stream (key <c>provider/namespace/key</c>): it keeps who consumes the stream and who
/// produces it, in grain storage <see cref="PushStreamDefaults.Storage"/>, and tells the producers when the consumers change.
/// </summary>
/// <remarks>
/// Entries are leases: an endpoint renews its own every <see cref="PushStreamOptions.RenewPeriod"/>, and one not renewed
/// for <see cref="PushStreamOptions.Lease"/> (its process died) is dropped. Storage failures do not fail the calls: the
/// change holds in memory and renewals restore it should the grain lose it.
/// </remarks>
[Alias("game.streams.IPushStreamRendezvousGrain")]
public interface IPushStreamRendezvousGrain : IGrainWithStringKey
{
    /// <summary>Adds or renews <paramref name="consumer"/>; a new consumer is known to every live producer when this returns.</summary>
    /// <param name="consumer">The consuming process's endpoint.</param>
    [Alias("Subscribe")]
    Task Subscribe(IPushStreamEndpoint consumer);

    /// <summary>Removes <paramref name="consumer"/> (its process has no subscription to the stream left). Idempotent.</summary>
    /// <param name="consumer">The consuming process's endpoint.</param>
    [Alias("Unsubscribe")]
    Task Unsubscribe(IPushStreamEndpoint consumer);

    /// <summary>Adds or renews <paramref name="producer"/>, which is then told of changes, and returns the consumers now.</summary>
    /// <param name="producer">The producing process's endpoint.</param>
    /// <returns>The stream's consumers.</returns>
    [Alias("RegisterProducer")]
    Task<PushStreamConsumers> RegisterProducer(IPushStreamEndpoint producer);

    /// <summary>Removes <paramref name="producer"/> (it has not published on the stream for a lease). Idempotent.</summary>
    /// <param name="producer">The producing process's endpoint.</param>
    [Alias("UnregisterProducer")]
    Task UnregisterProducer(IPushStreamEndpoint producer);
}

/// <summary>Names shared by every process that uses push streams.</summary>
public static class PushStreamDefaults
{
    /// <summary>The grain storage the rendezvous grains keep their consumers and producers in (Orleans's usual pub-sub store name).</summary>
    public const string Storage = "PubSubStore";

    /// <summary>The rendezvous grain key of stream <paramref name="stream"/> of provider <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="stream">The stream.</param>
    public static string RendezvousKey(string provider, StreamId stream) => $"{provider}/{stream}";
}
