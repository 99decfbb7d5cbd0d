using System.Net.WebSockets;
using Game.Gateway.Connections;
using Game.Gateway.Tests.Fakes;
using Game.Grains.Interfaces;
using Game.Gateway.Cluster;
using Orleans;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Gateway.Tests;

/// <summary>
/// A client that stops reading (its sends are held): it gets the newest snapshot rather than a backlog, the room and
/// the other clients never wait for it, and if it falls too far behind on reliable messages it is closed.
/// </summary>
public sealed class SlowClientTests
{
    private readonly FakeCluster _cluster = new();
    private readonly ServiceProvider _services;

    public SlowClientTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:SendQueueCapacity"] = "8",
            ["Gateway:CloseTimeout"] = "00:00:01",
        }).Build());
        services.AddLogging();
        services.AddGateway();
        services.AddSingleton<IGrainFactory>(_cluster);
        services.AddSingleton<IClusterHealth>(_cluster);
        services.AddSingleton<IRoomEventSource>(_cluster.Streams);
        _services = services.BuildServiceProvider();
    }

    private async Task<(ScriptedWebSocket Socket, Task Run, string Id)> SeatedAsync(string room)
    {
        var socket = new ScriptedWebSocket();
        var connection = new PlayerConnection(socket, _services.GetRequiredService<ConnectionDependencies>(), Guid.NewGuid().ToString());
        var run = connection.RunAsync(CancellationToken.None);
        socket.Push("""{"type":"hello","name":"Slow"}""");
        var id = (await socket.SentOfTypeAsync("welcome")).GetProperty("id").GetString()!;
        socket.Push($$"""{"type":"join","room":"{{room}}"}""");
        await socket.SentOfTypeAsync("joined");
        return (socket, run, id);
    }

    [Fact]
    public async Task A_stalled_client_gets_the_newest_snapshot_and_slows_no_one()
    {
        var (slow, slowRun, _) = await SeatedAsync("r");
        var (fast, fastRun, _) = await SeatedAsync("r");
        var room = _cluster.Room("r");

        slow.Hold();
        for (var i = 0; i < 100; i++)
        {
            var publish = room.PublishSnapshot();
            Assert.True(publish.IsCompleted, $"publishing snapshot {i + 1} waited for a client"); // the fan-out only queues
        }
        await SkipTo(fast, 100); // the other client is served while the slow one is stalled

        slow.Release();
        // At most the snapshot that was already being sent, then the newest; nothing of the 98 in between.
        var first = await slow.SentOfTypeAsync("map");
        if (first.GetProperty("tick").GetInt64() != 100)
        {
            Assert.Equal(100, (await slow.NextSentAsync("the newest map, tick 100")).GetProperty("tick").GetInt64());
        }
        slow.Push("""{"type":"time","t":7}""");
        Assert.Equal("time", TestClient.TypeOf(await slow.NextSentAsync("the time reply right after the newest map")));

        slow.PushClose();
        fast.PushClose();
        await Task.WhenAll(slowRun, fastRun).WaitAsync(TestClient.DefaultTimeout);
    }

    [Fact]
    public async Task A_client_too_far_behind_on_events_is_closed_with_1008_and_its_drop_reported()
    {
        var (slow, run, id) = await SeatedAsync("events");
        var room = _cluster.Room("events");

        slow.Hold();
        for (var i = 0; i < 20; i++)
        {
            var publish = room.Publish(new ChatEvent(id, $"line {i}", i));
            Assert.True(publish.IsCompleted, "publishing waited for a client");
        }
        // The client is slow, not dead: a send it was stuck in finishes, and then the overflow's close goes out.
        slow.Release();

        await run.WaitAsync(TestClient.DefaultTimeout);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, slow.CloseStatus);
        Assert.Equal(1, _cluster.Player(id).Disconnects);
        Assert.Equal(0, _cluster.Streams.SubscriberCount("events"));
    }

    [Fact]
    public async Task A_client_stuck_mid_send_is_aborted_after_the_close_timeout()
    {
        var (slow, run, id) = await SeatedAsync("stuck");
        var room = _cluster.Room("stuck");

        slow.Hold();
        await room.Publish(new ChatEvent(id, "first", 0));
        await slow.SendHeld.WaitAsync(TestClient.DefaultTimeout); // the send loop is now stuck in a send
        for (var i = 0; i < 20; i++) await room.Publish(new ChatEvent(id, $"line {i}", i));

        // The queue (8) overflowed, the close cannot be sent, so after CloseTimeout (200 ms) the socket is aborted.
        await run.WaitAsync(TestClient.DefaultTimeout);
        Assert.True(slow.WasAborted, "the stuck socket was aborted");
        Assert.Equal(1, _cluster.Player(id).Disconnects);
        Assert.Equal(0, _cluster.Streams.SubscriberCount("stuck"));
    }

    private static async Task<System.Text.Json.JsonElement> SkipTo(ScriptedWebSocket socket, long tick)
    {
        while (true)
        {
            var m = await socket.NextSentAsync($"a map with tick {tick}");
            if (TestClient.TypeOf(m) == "map" && m.GetProperty("tick").GetInt64() == tick) return m;
        }
    }
}
