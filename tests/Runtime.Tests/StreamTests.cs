using Game.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime.Tests;

public sealed class StreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_stuck_subscriber_delays_neither_the_producer_nor_the_others()
    {
        await using var silo = await TestSilo.StartAsync(settings: new() { ["Runtime:Streams:SubscriberQueueCapacity"] = "64" });
        var stream = silo.Services.GetStreamProvider("Default").GetStream<int>(StreamId.Create("room", "r1"));
        var never = new TaskCompletionSource();
        var stuckDrops = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await stream.SubscribeAsync((_, _) => never.Task, ex =>
        {
            if (ex is StreamItemsDroppedException d) stuckDrops.TrySetResult(d.Count);
            return Task.CompletedTask;
        });

        var probe = new Probe();
        for (var s = 0; s < 2; s++)
        {
            var name = $"healthy{s}";
            await stream.SubscribeAsync((item, _) =>
            {
                probe.Record(name);
                return Task.CompletedTask;
            });
        }

        // Publish like a ticking room: 20 bursts of 50; the healthy subscribers keep up, the stuck one cannot.
        for (var burst = 1; burst <= 20; burst++)
        {
            for (var i = 0; i < 50; i++)
            {
                var publish = stream.OnNextAsync(i);
                Assert.True(publish.IsCompletedSuccessfully, "publishing waited on a subscriber");
            }
            var expected = burst * 50;
            await probe.WaitFor(() => probe.Count("healthy0") >= expected && probe.Count("healthy1") >= expected, Deadline,
                $"both healthy subscribers receiving {expected} items");
        }
        Assert.Equal(1000, probe.Count("healthy0"));
        Assert.Equal(1000, probe.Count("healthy1"));
        never.SetResult(); // let the stuck one move: it learns what it missed
        Assert.True(await Eventually.Within(stuckDrops.Task, Deadline, "the stuck subscriber being told of dropped items") > 0);
    }

    [Fact]
    public async Task A_throwing_subscriber_keeps_receiving_and_unsubscribe_stops_delivery()
    {
        await using var silo = await TestSilo.StartAsync();
        var provider = silo.Services.GetStreamProvider("Default");
        var stream = provider.GetStream<string>(StreamId.Create("room", "r2"));
        var seen = new List<string>();
        var gotThird = new TaskCompletionSource();
        var handle = await stream.SubscribeAsync((item, _) =>
        {
            lock (seen) seen.Add(item);
            if (item == "c") gotThird.TrySetResult();
            return item == "a" ? throw new InvalidOperationException("subscriber bug") : Task.CompletedTask;
        });

        // A second handle on the same id reaches the same subscribers.
        var producer = provider.GetStream<string>(StreamId.Create("room", "r2"));
        foreach (var s in new[] { "a", "b", "c" }) await producer.OnNextAsync(s);
        await Eventually.Within(gotThird.Task, Deadline, "items after a throwing one being delivered");

        await handle.UnsubscribeAsync();
        Assert.Empty(await stream.GetAllSubscriptionHandles());
        await producer.OnNextAsync("d");
        lock (seen) Assert.Equal(["a", "b", "c"], seen);
    }
}
