using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Streaming;

/// <summary>
/// A push-based Orleans stream provider, modelled on Orleans's former Simple Message Stream provider: a producer sends
/// each item straight to every consuming process as a one-way grain-observer call; no queue, no pulling agent, no poll.
/// </summary>
/// <remarks>
/// <para><b>Who knows what.</b> A stream's rendezvous grain (<see cref="IPushStreamRendezvousGrain"/>) keeps its
/// consuming and producing processes. A producing process asks it once for the consumers, keeps the list, and is told
/// of every change; so publishing costs one message per other consuming process and nothing else. Its own process's
/// subscriptions (a gateway co-hosted with its silo) get the item handed over in the process, on a thread-pool thread,
/// with no message.</para>
/// <para><b>Per process.</b> One instance per provider name and process serves every grain and every caller there.
/// Subscriptions are local: a process subscribes its endpoint to a stream once, whatever its number of subscriptions,
/// and hands each item to all of them, one item at a time, in the order the producer sent them.</para>
/// <para><b>Guarantees.</b> At most once, in order per producer, no rewind, no sequence tokens: what a game's
/// snapshots need. An item sent while a consuming process is unreachable is lost. Items published before the
/// producer first reaches the rendezvous wait (up to <see cref="PushStreamOptions.MaxPending"/>) and are not lost.</para>
/// <para><b>Failures.</b> Leases (<see cref="PushStreamOptions.Lease"/>) drop the endpoints of dead processes; a
/// rendezvous that lost its state is filled again by the next renewals (<see cref="PushStreamOptions.RenewPeriod"/>).</para>
/// </remarks>
public sealed partial class PushStreamProvider : IStreamProvider, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly PushStreamOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<StreamId, Producer> _producing = new();
    private readonly ConcurrentDictionary<StreamId, Consumer> _consuming = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Endpoint[]? _endpoints;
    private HashSet<GrainId> _own = [];

    /// <summary>Creates the provider <paramref name="name"/> of this process.</summary>
    /// <param name="name">The provider name (what <c>GetStreamProvider</c> is given).</param>
    /// <param name="grains">The grain factory (the silo's, or the cluster client).</param>
    /// <param name="options">The push stream options.</param>
    /// <param name="time">The clock of leases and renewals.</param>
    /// <param name="logger">Where failures are logged.</param>
    public PushStreamProvider(string name, IGrainFactory grains, IOptions<PushStreamOptions> options, TimeProvider time, ILogger<PushStreamProvider> logger)
    {
        Name = name;
        _grains = grains;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Always false: a push stream keeps nothing to rewind to.</summary>
    public bool IsRewindable => false;

    /// <inheritdoc />
    public IAsyncStream<T> GetStream<T>(StreamId streamId) => new PushStream<T>(this, streamId);

    /// <summary>Stops renewing (the process is going away; its leases lapse unless it comes back).</summary>
    public void Dispose() => _stopping.Cancel();

    internal IPushStreamRendezvousGrain Rendezvous(StreamId stream) =>
        _grains.GetGrain<IPushStreamRendezvousGrain>(PushStreamDefaults.RendezvousKey(Name, stream));

    /// <summary>The endpoint that handles <paramref name="stream"/> in this process (made on first use, when renewals start).</summary>
    private Endpoint EndpointFor(StreamId stream)
    {
        var endpoints = _endpoints ?? Start();
        return endpoints[(int)((uint)stream.GetHashCode() % (uint)endpoints.Length)];
    }

    private Endpoint[] Start()
    {
        lock (_startLock)
        {
            if (_endpoints is { } made) return made;
            // Orleans makes observer references only outside a grain's turn, and this may be one: make them on a
            // thread of their own (a thread-pool task could be run inline by the wait).
            var endpoints = new Endpoint[Math.Max(1, _options.Endpoints)];
            Exception? failure = null;
            var maker = new Thread(() =>
            {
                try
                {
                    for (var i = 0; i < endpoints.Length; i++)
                    {
                        endpoints[i] = new Endpoint(this);
                        endpoints[i].Reference = _grains.CreateObjectReference<IPushStreamEndpoint>(endpoints[i]);
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            }) { IsBackground = true, Name = "push-stream endpoints" };
            maker.Start();
            maker.Join();
            if (failure is not null) throw new InvalidOperationException("The push stream endpoints could not be made.", failure);
            made = endpoints;
            _own = [.. endpoints.Select(e => e.Reference.GetGrainId())];
            _ = Task.Run(RenewLoopAsync); // ends when the provider is disposed
            return _endpoints = made;
        }
    }

    /// <summary>Whether <paramref name="endpoint"/> is one of this provider's own (this process's consumer of a stream it also produces).</summary>
    private bool IsOwn(IPushStreamEndpoint endpoint) => _own.Contains(endpoint.GetGrainId());

    /// <summary>
    /// Hands <paramref name="item"/> to this process's own subscriptions on a thread-pool thread, as the grain-observer
    /// call to its own endpoint would, without making, addressing and dispatching that message: a co-hosted gateway
    /// gets its silo's room items this way (docs/performance.md, issue 11, "Twelfth pass"). Outside the producer's turn
    /// and lock, with no grain's context, as the observer call ran.
    /// </summary>
    private void DeliverHere(PushStreamItem item) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Provider.DeliverAsync(state.Item), (Provider: this, Item: item), preferLocal: true);

    /// <summary>As <see cref="DeliverHere(PushStreamItem)"/>, for items that waited for the consumer list: in order, one after another.</summary>
    private void DeliverHere(ImmutableArray<PushStreamItem> items) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Provider.DeliverAllAsync(state.Items), (Provider: this, Items: items), preferLocal: true);

    /// <summary>
    /// Whether this process produces <paramref name="stream"/> and hands its items to its own subscriptions
    /// (<see cref="DeliverHere(PushStreamItem)"/>) instead of sending them to its own endpoint.
    /// </summary>
    internal bool HandsOverHere(StreamId stream) => _producing.TryGetValue(stream, out var producer) && producer.Local;

    private async Task DeliverAllAsync(ImmutableArray<PushStreamItem> items)
    {
        foreach (var item in items) await DeliverAsync(item).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- producing

    /// <summary>
    /// Ends this process's producing of a stream whose one producer moves away (<see cref="IPushStreamHandover"/>):
    /// returns its identity, sequence and consumers for the next process, or null if it never published.
    /// </summary>
    internal PushStreamHandoverState? HandOver(StreamId stream) =>
        _producing.TryRemove(stream, out var producer) ? producer.HandOver() : null;

    /// <summary>
    /// Carries on producing a stream whose producer moved here: same producer id, next sequence number, and the
    /// consumers it knew, so its items go to them at once and in order with the ones sent before the move. This
    /// process registers as a producer in the background (after which changes reach it).
    /// </summary>
    internal void TakeOver(StreamId stream, PushStreamHandoverState state)
    {
        var producer = _producing.GetOrAdd(stream, static (s, self) => new Producer(self, s), this);
        producer.TakeOver(state);
        producer.RegisterSoon();
    }

    internal void Publish(StreamId stream, PushStreamItemKind kind, object? item, string? error = null)
    {
        var producer = _producing.GetOrAdd(stream, static (s, self) => new Producer(self, s), this);
        producer.Publish(kind, item, error);
    }

    /// <summary>What this process knows of a stream it produces: the consumers, or the items waiting for them.</summary>
    private sealed class Producer(PushStreamProvider provider, StreamId stream)
    {
        private readonly Lock _lock = new();
        private Guid _id = Guid.NewGuid();
        private long _sequence;
        private PushStreamConsumers? _consumers;
        private ImmutableArray<IPushStreamEndpoint> _remote = []; // _consumers' endpoints but this process's own
        private bool _local;                                       // whether this process's own endpoint is one of them
        private Queue<PushStreamItem>? _pending;
        private Task? _loading;
        private long _lastUsed;
        private long _pendingSince;
        private int _dropped;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        /// <summary>Whether the consumers include this process, which then gets the items without a message.</summary>
        public bool Local
        {
            get { lock (_lock) return _local; }
        }

        public PushStreamHandoverState HandOver()
        {
            lock (_lock) return new(_id, _sequence, _consumers);
        }

        public void TakeOver(PushStreamHandoverState state)
        {
            lock (_lock)
            {
                (_id, _sequence) = (state.Producer, state.Sequence);
            }
            if (state.Consumers is { } consumers) Apply(consumers);
        }

        /// <summary>Registers with the rendezvous in the background unless a registration is under way.</summary>
        public void RegisterSoon()
        {
            lock (_lock)
            {
                _lastUsed = provider._time.GetTimestamp();
                _loading ??= RegisterAsync();
            }
        }

        public void Publish(PushStreamItemKind kind, object? value, string? error)
        {
            lock (_lock)
            {
                var item = new PushStreamItem(stream, _id, ++_sequence, kind, value, error);
                _lastUsed = provider._time.GetTimestamp();
                if (_consumers is not null)
                {
                    Send(item, static (endpoint, one) => endpoint.Deliver(one));
                    if (_local) provider.DeliverHere(item);
                    return;
                }
                if (_pending is null) { _pending = new(); _pendingSince = provider._time.GetTimestamp(); }
                if (_pending.Count >= provider._options.MaxPending)
                {
                    _pending.Dequeue();
                    _dropped++;
                }
                _pending.Enqueue(item);
                _loading ??= RegisterAsync();
            }
        }

        /// <summary>Takes a consumer list (from the rendezvous, at registration or on a change) if it is newer, and sends what waited.</summary>
        public void Apply(PushStreamConsumers consumers)
        {
            lock (_lock)
            {
                if (!consumers.Supersedes(_consumers)) return;
                _consumers = consumers;
                var remote = consumers.Endpoints.RemoveAll(provider.IsOwn);
                (_remote, _local) = (remote, remote.Length != consumers.Endpoints.Length);
                if (_pending is null) return;
                Log.PendingSent(provider._logger, stream, _pending.Count, (long)provider._time.GetElapsedTime(_pendingSince).TotalMilliseconds);
                ImmutableArray<PushStreamItem> items = [.. _pending];
                _pending = null;
                Send(items, static (endpoint, batch) => endpoint.DeliverBatch(batch));
                if (_local) provider.DeliverHere(items);
                if (_dropped > 0) Log.PendingDropped(provider._logger, stream, _dropped);
                _dropped = 0;
            }
        }

        /// <summary>Registers this process as a producer of the stream, then sends what waited; tried again every 500 ms while it fails.</summary>
        private async Task RegisterAsync()
        {
            try
            {
                await Task.Yield(); // never call out under the lock
                // No ConfigureAwait(false): a grain's items are then sent from its own turn, as all its later ones are.
                await RenewAsync();
            }
            catch (Exception ex)
            {
                Log.RegisterFailed(provider._logger, ex, stream);
                await Task.Delay(TimeSpan.FromMilliseconds(500), provider._time).ConfigureAwait(false);
            }
            finally
            {
                lock (_lock)
                {
                    _loading = null;
                    // Items still waiting (registration failed): try again.
                    if (_consumers is null && _pending is { Count: > 0 }) _loading = RegisterAsync();
                }
            }
        }

        /// <summary>Registers or renews this process as a producer of the stream and takes the consumer list it is given.</summary>
        /// <exception cref="Exception">The rendezvous could not be reached.</exception>
        public async Task RenewAsync() =>
            Apply(await provider.Rendezvous(stream).RegisterProducer(provider.EndpointFor(stream).Reference));

        /// <summary>Sends <paramref name="what"/> to every other process's consumer with a one-way call (it completes at once); one failure does not stop the others.</summary>
        private void Send<T>(T what, Func<IPushStreamEndpoint, T, Task> call)
        {
            foreach (var endpoint in _remote)
            {
                try
                {
                    _ = call(endpoint, what);
                }
                catch (Exception ex)
                {
                    Log.SendFailed(provider._logger, ex, stream);
                }
            }
        }
    }

    // ---------------------------------------------------------------- consuming

    internal async Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(StreamId stream, IAsyncObserver<T> observer)
    {
        // Items are handed over on the endpoint's thread, outside any grain's turn: a grain would be called concurrently.
        if (TaskScheduler.Current != TaskScheduler.Default)
        {
            throw new NotSupportedException("Push streams are consumed by processes (gateways, services), not by grains: subscribe outside a grain.");
        }
        var subscription = new Subscription<T>(this, stream, observer);
        while (true)
        {
            var consumer = _consuming.GetOrAdd(stream, static s => new Consumer());
            await consumer.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                // The last subscription left and took the entry with it while we waited: use a fresh one.
                if (!_consuming.TryGetValue(stream, out var current) || !ReferenceEquals(current, consumer)) continue;
                consumer.Subscriptions = [.. consumer.Subscriptions, subscription];
                if (consumer.Registered) return subscription;
                try
                {
                    await Rendezvous(stream).Subscribe(EndpointFor(stream).Reference).ConfigureAwait(false);
                    consumer.Registered = true;
                    return subscription;
                }
                catch
                {
                    Remove(consumer, subscription);
                    if (consumer.Subscriptions.Length == 0) _consuming.TryRemove(new(stream, consumer));
                    throw;
                }
            }
            finally
            {
                consumer.Gate.Release();
            }
        }
    }

    internal async Task UnsubscribeAsync(StreamId stream, ISubscription subscription)
    {
        if (!_consuming.TryGetValue(stream, out var consumer)) return;
        await consumer.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!Remove(consumer, subscription) || consumer.Subscriptions.Length != 0) return;
            if (consumer.Registered)
            {
                // Under the gate, so that a new subscription of this process waits until this one is gone.
                try
                {
                    await Rendezvous(stream).Unsubscribe(EndpointFor(stream).Reference).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // The lease lapses instead.
                    Log.UnsubscribeFailed(_logger, ex, stream);
                }
                consumer.Registered = false;
            }
            _consuming.TryRemove(new(stream, consumer));
        }
        finally
        {
            consumer.Gate.Release();
        }
    }

    internal IList<StreamSubscriptionHandle<T>> Handles<T>(StreamId stream) =>
        _consuming.TryGetValue(stream, out var consumer)
            ? [.. consumer.Subscriptions.OfType<StreamSubscriptionHandle<T>>()]
            : [];

    /// <summary>Removes a subscription (under the gate); false if it was not there.</summary>
    private static bool Remove(Consumer consumer, ISubscription subscription)
    {
        var subscriptions = consumer.Subscriptions;
        var index = Array.IndexOf(subscriptions, subscription);
        if (index < 0) return false;
        consumer.Subscriptions = [.. subscriptions.AsSpan(0, index), .. subscriptions.AsSpan(index + 1)];
        return true;
    }

    /// <summary>
    /// This process's subscriptions to one stream, whether its endpoint is subscribed at the rendezvous, and where each
    /// producer's items are in their order.
    /// </summary>
    private sealed class Consumer
    {
        /// <summary>Held while subscribing or unsubscribing (which calls the rendezvous).</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Held while handing items over, so the subscribers get one item at a time.</summary>
        public SemaphoreSlim Delivering { get; } = new(1, 1);

        public volatile ISubscription[] Subscriptions = [];
        public bool Registered { get; set; }

        /// <summary>Per producer (under <see cref="Delivering"/>).</summary>
        public Dictionary<Guid, Order> Producers { get; } = [];
    }

    /// <summary>One producer's items at one consumer: the next sequence number due and the items that came before it.</summary>
    private sealed class Order
    {
        public long Next = 1;
        public long LastSeen;
        public long HeldSince;
        public TimeSpan HoldFor;
        public int Holds; // which hold a give-up timer belongs to
        public SortedDictionary<long, PushStreamItem>? Held;
    }

    /// <summary>
    /// Hands an item to the stream's local subscriptions in its producer's order: the next one due goes at once (with
    /// any held ones it frees); one that came early is held up to <see cref="PushStreamOptions.ReorderWindow"/>; one
    /// that came after a later one was handed over is dropped.
    /// </summary>
    private async Task DeliverAsync(PushStreamItem item)
    {
        if (!_consuming.TryGetValue(item.Stream, out var consumer)) return;
        await consumer.Delivering.WaitAsync().ConfigureAwait(false);
        try
        {
            var now = _time.GetTimestamp();
            var firstSight = false;
            if (!consumer.Producers.TryGetValue(item.Producer, out var order))
            {
                // A producer first heard from mid-stream: items 1..n-1 went before this process subscribed, but
                // some just before n may still be on their way. Hold briefly (a fifth of the window) to put them in order.
                ForgetQuietProducers(consumer, now);
                consumer.Producers.Add(item.Producer, order = new Order());
                firstSight = true;
            }
            order.LastSeen = now;
            if (item.Sequence == order.Next)
            {
                order.Next++;
                await HandOverAsync(consumer, item).ConfigureAwait(false);
                await ReleaseHeldAsync(consumer, order, giveUp: false).ConfigureAwait(false);
            }
            else if (item.Sequence < order.Next)
            {
                Log.LateItemDropped(_logger, item.Stream, item.Sequence, order.Next);
            }
            else
            {
                (order.Held ??= []).TryAdd(item.Sequence, item);
                if (order.HeldSince == 0)
                {
                    order.HeldSince = now;
                    order.HoldFor = firstSight ? _options.ReorderWindow / 5 : _options.ReorderWindow;
                    _ = GiveUpLaterAsync(consumer, item.Producer, ++order.Holds, order.HoldFor);
                }
                else if (_time.GetElapsedTime(order.HeldSince, now) >= order.HoldFor)
                {
                    await ReleaseHeldAsync(consumer, order, giveUp: true).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            consumer.Delivering.Release();
        }
    }

    /// <summary>Hands over the held items that are due (all of them, in order, when giving up on the missing ones).</summary>
    private async Task ReleaseHeldAsync(Consumer consumer, Order order, bool giveUp)
    {
        while (order.Held is { Count: > 0 } held)
        {
            var (sequence, item) = held.First();
            if (sequence != order.Next && !giveUp) break;
            held.Remove(sequence);
            order.Next = sequence + 1;
            await HandOverAsync(consumer, item).ConfigureAwait(false);
        }
        if (order.Held is not { Count: > 0 }) order.HeldSince = 0;
    }

    /// <summary>After <paramref name="after"/>, gives up on what a producer's held items wait for.</summary>
    private async Task GiveUpLaterAsync(Consumer consumer, Guid producer, int hold, TimeSpan after)
    {
        await Task.Delay(after, _time).ConfigureAwait(false);
        await consumer.Delivering.WaitAsync().ConfigureAwait(false);
        try
        {
            // Still the same hold (not ended by the missing items coming, nor replaced by a later one).
            if (consumer.Producers.TryGetValue(producer, out var order) && order.HeldSince != 0 && order.Holds == hold)
            {
                await ReleaseHeldAsync(consumer, order, giveUp: true).ConfigureAwait(false);
            }
        }
        finally
        {
            consumer.Delivering.Release();
        }
    }

    /// <summary>Forgets producers not heard from for a lease (rooms that moved away): their order no longer matters.</summary>
    private void ForgetQuietProducers(Consumer consumer, long now)
    {
        foreach (var (id, order) in consumer.Producers)
        {
            if (order.HeldSince == 0 && _time.GetElapsedTime(order.LastSeen, now) > _options.Lease) consumer.Producers.Remove(id);
        }
    }

    private async Task HandOverAsync(Consumer consumer, PushStreamItem item)
    {
        foreach (var subscription in consumer.Subscriptions)
        {
            try
            {
                await subscription.DeliverAsync(item).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, ex, item.Stream);
            }
        }
    }

    // ---------------------------------------------------------------- renewals

    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.RenewPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false)) await RenewAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Renews every lease this process holds (one call per stream it consumes or produces, in parallel), takes the
    /// consumer lists the renewals return, and forgets the streams it stopped producing a lease ago.
    /// </summary>
    internal async Task RenewAsync()
    {
        var calls = new List<Task>();
        foreach (var (stream, consumer) in _consuming)
        {
            if (consumer.Registered) calls.Add(Guard(stream, Rendezvous(stream).Subscribe(EndpointFor(stream).Reference)));
        }
        var now = _time.GetTimestamp();
        foreach (var (stream, producer) in _producing)
        {
            if (_time.GetElapsedTime(producer.LastUsed, now) > _options.Lease)
            {
                _producing.TryRemove(new(stream, producer));
                calls.Add(Guard(stream, Rendezvous(stream).UnregisterProducer(EndpointFor(stream).Reference)));
            }
            else
            {
                calls.Add(Guard(stream, producer.RenewAsync()));
            }
        }
        await Task.WhenAll(calls).ConfigureAwait(false);

        async Task Guard(StreamId stream, Task call)
        {
            try
            {
                await call.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.RenewFailed(_logger, ex, stream);
            }
        }
    }

    /// <summary>One of this process's grain observers: where items and consumer changes for its share of the streams arrive.</summary>
    private sealed class Endpoint(PushStreamProvider provider) : IPushStreamEndpoint
    {
        public IPushStreamEndpoint Reference { get; set; } = null!;

        public Task Deliver(PushStreamItem item) => provider.DeliverAsync(item);

        public Task DeliverBatch(ImmutableArray<PushStreamItem> items) => provider.DeliverAllAsync(items);

        public Task ConsumersChanged(StreamId stream, PushStreamConsumers consumers)
        {
            if (provider._producing.TryGetValue(stream, out var producer)) producer.Apply(consumers);
            return Task.CompletedTask;
        }
    }

    internal interface ISubscription
    {
        Task DeliverAsync(PushStreamItem item);
    }

    /// <summary>A local subscription, and its handle.</summary>
    private sealed class Subscription<T>(PushStreamProvider provider, StreamId stream, IAsyncObserver<T> observer)
        : StreamSubscriptionHandle<T>, ISubscription
    {
        private volatile IAsyncObserver<T> _observer = observer;

        public override StreamId StreamId => stream;
        public override string ProviderName => provider.Name;
        public override Guid HandleId { get; } = Guid.NewGuid();

        public Task DeliverAsync(PushStreamItem item) => item.Kind switch
        {
            PushStreamItemKind.Item when item.Item is T value => _observer.OnNextAsync(value),
            PushStreamItemKind.Item => Task.CompletedTask, // another subscriber's item type
            PushStreamItemKind.Completed => _observer.OnCompletedAsync(),
            _ => _observer.OnErrorAsync(new PushStreamProducerException(item.Error ?? "the producer reported an error")),
        };

        public override Task UnsubscribeAsync() => provider.UnsubscribeAsync(stream, this);

        public override Task<StreamSubscriptionHandle<T>> ResumeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null)
        {
            _observer = observer;
            return Task.FromResult<StreamSubscriptionHandle<T>>(this);
        }

        public override Task<StreamSubscriptionHandle<T>> ResumeAsync(IAsyncBatchObserver<T> observer, StreamSequenceToken? token = null) =>
            throw new NotSupportedException("Push streams deliver items one at a time; subscribe with an IAsyncObserver<T>.");

        public override bool Equals(StreamSubscriptionHandle<T>? other) => ReferenceEquals(this, other);
        public override bool Equals(object? obj) => ReferenceEquals(this, obj);
        public override int GetHashCode() => HandleId.GetHashCode();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2310, Level = LogLevel.Warning, Message = "Push stream {Stream}: reaching its rendezvous failed; items wait and it is tried again")]
        public static partial void RegisterFailed(ILogger logger, Exception ex, StreamId stream);

        [LoggerMessage(EventId = 2311, Level = LogLevel.Warning, Message = "Push stream {Stream}: {Count} item(s) were dropped while its consumers were not known")]
        public static partial void PendingDropped(ILogger logger, StreamId stream, int count);

        [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "Push stream {Stream}: sending an item failed")]
        public static partial void SendFailed(ILogger logger, Exception ex, StreamId stream);

        [LoggerMessage(EventId = 2313, Level = LogLevel.Debug, Message = "Push stream {Stream}: unsubscribing failed; the lease lapses instead")]
        public static partial void UnsubscribeFailed(ILogger logger, Exception ex, StreamId stream);

        [LoggerMessage(EventId = 2314, Level = LogLevel.Warning, Message = "Push stream {Stream}: a subscriber failed on an item")]
        public static partial void ObserverFailed(ILogger logger, Exception ex, StreamId stream);

        [LoggerMessage(EventId = 2317, Level = LogLevel.Debug, Message = "Push stream {Stream}: consumers known; {Count} item(s) waited up to {ElapsedMs} ms")]
        public static partial void PendingSent(ILogger logger, StreamId stream, int count, long elapsedMs);

        [LoggerMessage(EventId = 2316, Level = LogLevel.Debug, Message = "Push stream {Stream}: item {Sequence} came after item {Next} was due and was dropped")]
        public static partial void LateItemDropped(ILogger logger, StreamId stream, long sequence, long next);

        [LoggerMessage(EventId = 2315, Level = LogLevel.Debug, Message = "Push stream {Stream}: renewing the lease failed; the next renewal tries again")]
        public static partial void RenewFailed(ILogger logger, Exception ex, StreamId stream);
    }
}

/// <summary>What a push stream subscriber's <c>OnErrorAsync</c> is given when the producer called <c>OnErrorAsync</c>.</summary>
/// <param name="message">The producer's error message.</param>
public sealed class PushStreamProducerException(string message) : Exception(message);
