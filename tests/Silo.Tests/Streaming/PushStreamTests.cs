using System.Collections.Concurrent;
using Game.Streaming;
using Game.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Game.Silo.Tests.Streaming;

/// <summary>A grain that publishes ints on push stream <c>test/{its key}</c> (provider <see cref="PushStreamCluster.Provider"/>).</summary>
[Alias("tests.IPushProducerGrain")]
public interface IPushProducerGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="from"/>, <paramref name="from"/> + 1, … (<paramref name="count"/> items), one per call of OnNextAsync.</summary>
    Task Publish(int from, int count);

    /// <summary>Subscribes to its own stream from inside the grain (which push streams refuse).</summary>
    Task SubscribeInside();
}

/// <inheritdoc cref="IPushProducerGrain" />
public sealed class PushProducerGrain : Grain, IPushProducerGrain
{
    private IAsyncStream<int> Stream =>
        this.GetStreamProvider(PushStreamCluster.Provider).GetStream<int>(StreamId.Create("test", this.GetPrimaryKeyString()));

    /// <inheritdoc />
    public async Task Publish(int from, int count)
    {
        for (var i = from; i < from + count; i++) await Stream.OnNextAsync(i);
    }

    /// <inheritdoc />
    public Task SubscribeInside() => Stream.SubscribeAsync((_, _) => Task.CompletedTask);
}

/// <summary>Two silos and a client on Orleans's in-process test cluster, with push streams on <paramref name="clock"/>.</summary>
public abstract class PushStreamCluster(TimeProvider clock) : IAsyncLifetime
{
    /// <summary>The provider name the tests use.</summary>
    public const string Provider = "push";

    private InProcessTestCluster _cluster = null!;

    protected IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(PushStreamDefaults.Storage);
            silo.AddPushStreams(Provider);
            silo.Services.AddSingleton(new PushStreamClock(clock));
        });
        builder.ConfigureClient(client =>
        {
            client.AddPushStreams(Provider);
            client.Services.AddSingleton(new PushStreamClock(clock));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Each silo's push stream provider: to the provider, each silo is a process of its own.</summary>
    protected PushStreamProvider[] SiloProviders =>
        [.. _cluster.Silos.Select(silo => (PushStreamProvider)silo.SiloHost.Services.GetRequiredKeyedService<IStreamProvider>(Provider))];

    protected IAsyncStream<int> Stream(string key) =>
        Client.GetStreamProvider(Provider).GetStream<int>(StreamId.Create("test", key));

    /// <summary>The consumers the stream's rendezvous knows, read by registering a do-nothing producer.</summary>
    protected Task<PushStreamConsumers> Consumers(string key) =>
        Client.GetGrain<IPushStreamRendezvousGrain>(PushStreamDefaults.RendezvousKey(Provider, StreamId.Create("test", key)))
            .RegisterProducer(Client.CreateObjectReference<IPushStreamEndpoint>(Idle));

    private static readonly IdleEndpoint Idle = new();

    private sealed class IdleEndpoint : IPushStreamEndpoint
    {
        public Task Deliver(PushStreamItem item) => Task.CompletedTask;
        public Task DeliverBatch(System.Collections.Immutable.ImmutableArray<PushStreamItem> items) => Task.CompletedTask;
        public Task ConsumersChanged(StreamId stream, PushStreamConsumers consumers) => Task.CompletedTask;
    }

    /// <summary>Collects the ints a subscription gets.</summary>
    protected sealed class Collector : IAsyncObserver<int>
    {
        private readonly ConcurrentQueue<int> _items = new();

        public int[] Items => [.. _items];

        public Task OnNextAsync(int item, StreamSequenceToken? token = null)
        {
            _items.Enqueue(item);
            return Task.CompletedTask;
        }

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

        public Task WaitForCountAsync(int count) =>
            Eventually.Until(() => _items.Count >= count, TimeSpan.FromSeconds(10), $"{count} items to come");
    }
}

/// <summary>
/// The push stream provider (Streaming/): grains publish, processes subscribe, items arrive in order with one message
/// per consuming process, producers learn of new consumers, unsubscribed processes get nothing more, grains cannot subscribe.
/// </summary>
public sealed class PushStreamTests() : PushStreamCluster(TimeProvider.System)
{

    [Fact]
    public async Task Items_a_grain_publishes_reach_every_subscription_of_a_client_in_order()
    {
        var key = Guid.NewGuid().ToString("N");
        var (first, second) = (new Collector(), new Collector());
        await Stream(key).SubscribeAsync(first);
        await Stream(key).SubscribeAsync(second);

        // The first item makes the producer look its consumers up; the next 999 go straight to them (items published
        // before a producer knows its consumers wait, up to PushStreamOptions.MaxPending).
        var producer = Client.GetGrain<IPushProducerGrain>(key);
        await producer.Publish(0, 1);
        await first.WaitForCountAsync(1);
        for (var i = 0; i < 9; i++) await producer.Publish(1 + i * 111, 111);

        foreach (var collector in new[] { first, second })
        {
            await collector.WaitForCountAsync(1000);
            Assert.Equal(Enumerable.Range(0, 1000), collector.Items);
        }
        // One process, one consumer entry however many subscriptions it has.
        Assert.Single((await Consumers(key)).Endpoints);
    }

    [Fact]
    public async Task A_producer_learns_of_a_subscriber_that_came_after_it_started_and_an_unsubscribed_one_gets_nothing_more()
    {
        var key = Guid.NewGuid().ToString("N");
        var producer = Client.GetGrain<IPushProducerGrain>(key);
        await producer.Publish(0, 10); // nobody listens yet: these go nowhere

        var collector = new Collector();
        var handle = await Stream(key).SubscribeAsync(collector);
        await producer.Publish(10, 10);
        await collector.WaitForCountAsync(10);
        // The items that came before the subscription may have waited for the producer to reach the rendezvous and
        // come too; the ones after it all come, in order.
        var first = collector.Items[0];
        Assert.True(first is 0 or 10, $"first item {first}");
        await collector.WaitForCountAsync(20 - first);
        Assert.Equal(Enumerable.Range(first, 20 - first), collector.Items);

        await handle.UnsubscribeAsync();
        Assert.Empty((await Consumers(key)).Endpoints);
        await producer.Publish(20, 10);
        // A later subscription to another stream of the same producer silo proves the earlier items had their chance.
        var probe = new Collector();
        var other = Guid.NewGuid().ToString("N");
        await Stream(other).SubscribeAsync(probe);
        await Client.GetGrain<IPushProducerGrain>(other).Publish(0, 1);
        await probe.WaitForCountAsync(1);
        Assert.Equal(Enumerable.Range(first, 20 - first), collector.Items);
    }

    [Fact]
    public async Task A_subscriber_in_the_producing_silo_gets_the_items_there_without_a_message_and_in_order_as_one_in_another_silo_does()
    {
        var key = Guid.NewGuid().ToString("N");
        var providers = SiloProviders;
        var collectors = providers.Select(_ => new Collector()).ToArray();
        for (var i = 0; i < providers.Length; i++)
        {
            await providers[i].GetStream<int>(StreamId.Create("test", key)).SubscribeAsync(collectors[i]);
        }

        var producer = Client.GetGrain<IPushProducerGrain>(key);
        await producer.Publish(0, 1);
        foreach (var collector in collectors) await collector.WaitForCountAsync(1);
        for (var i = 0; i < 9; i++) await producer.Publish(1 + i * 111, 111);

        foreach (var collector in collectors)
        {
            await collector.WaitForCountAsync(1000);
            Assert.Equal(Enumerable.Range(0, 1000), collector.Items);
        }
        // The producing silo hands the items to its own subscriber itself (its own endpoint is not among those it sends
        // to); the other silo, which does not produce the stream, got them as messages.
        Assert.Equal([false, true], providers.Select(p => p.HandsOverHere(StreamId.Create("test", key))).Order());
        Assert.Equal(2, (await Consumers(key)).Endpoints.Length);
    }

    [Fact]
    public async Task A_grain_cannot_subscribe()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Client.GetGrain<IPushProducerGrain>(Guid.NewGuid().ToString("N")).SubscribeInside());
        Assert.Contains("not by grains", error.Message);
    }
}

/// <summary>Leases: a process that renews keeps its subscription; one that stopped renewing (it died) is dropped. On a fake clock.</summary>
public sealed class PushStreamLeaseTests : PushStreamCluster
{
    private readonly FakeTimeProvider _clock;

    public PushStreamLeaseTests() : this(new FakeTimeProvider()) { }

    private PushStreamLeaseTests(FakeTimeProvider clock) : base(clock) => _clock = clock;

    [Fact]
    public async Task A_process_that_renews_keeps_its_subscription_and_one_that_stopped_is_dropped_after_the_lease()
    {
        var key = Guid.NewGuid().ToString("N");
        var collector = new Collector();
        await Stream(key).SubscribeAsync(collector);
        var provider = (PushStreamProvider)Client.ServiceProvider.GetRequiredKeyedService<IStreamProvider>(Provider);
        provider.Dispose(); // no more timed renewals: the test renews by hand
        var lease = new PushStreamOptions().Lease;

        _clock.Advance(lease * 2 / 3);
        await provider.RenewAsync();
        _clock.Advance(lease * 2 / 3); // past a lease from the subscription, within one from the renewal
        Assert.Single((await Consumers(key)).Endpoints);

        _clock.Advance(lease + TimeSpan.FromSeconds(1)); // no renewal for more than a lease
        Assert.Empty((await Consumers(key)).Endpoints);
    }

}
