using Game.Runtime;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Game.Grains.Interfaces;
using Game.Runtime.Hosting;
using Game.Runtime.Networking;
using Game.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Networking.Tests;

public sealed class StreamTests
{
    private static readonly TimeSpan Deadline = Eventually.Deadline;

    [Fact]
    public async Task Items_published_on_a_silo_reach_a_client_subscriber_in_order_with_their_types()
    {
        await using var cluster = new TestCluster();
        await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var received = new Inbox();
        await client.Streams.GetStream<RoomEvent>(RoomStreams.For("r1")).SubscribeAsync(received.OnNextAsync);

        var room = client.Grains.GetGrain<IEchoGrain>("room-r1");
        var sent = Samples.AllEvents.ToList();
        foreach (var e in sent) Assert.Equal(b.Address!.ToString(), await Eventually.Within(room.Publish("r1", e), Deadline, "the publishing call"));

        await received.WaitForCount(sent.Count, "all room events reaching the client");
        Assert.Equal(sent.Select(e => e.GetType()), received.Items.Select(e => e.GetType()));
        Assert.Equal(sent.OfType<ChatEvent>(), received.Items.OfType<ChatEvent>());
        Assert.Equal(Samples.Snapshot.Players.ToArray(), received.Items.OfType<RoomSnapshot>().Single().Players.ToArray());
    }

    [Fact]
    public async Task A_subscriber_keeps_receiving_when_the_publisher_moves_to_a_silo_that_joined_later()
    {
        await using var cluster = new TestCluster();
        await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var received = new Inbox();
        await client.Streams.GetStream<RoomEvent>(RoomStreams.For("m1")).SubscribeAsync(received.OnNextAsync);
        var room = client.Grains.GetGrain<IEchoGrain>("room-m1");
        Assert.Equal(b.Address!.ToString(), await Eventually.Within(room.Publish("m1", new ChatEvent("p1", "on B", 1)), Deadline, "publishing on B"));
        await received.WaitForCount(1, "the item published on B");

        var c = await cluster.StartSiloAsync(); // joins after the subscription was made
        await room.Deactivate();
        await cluster.Probe.WaitFor(() => cluster.Probe.Has($"deactivated:room-m1@{b.Address}"), Deadline, "the room deactivating on B");
        cluster.Placement.Target = c.Address;

        // The client still caches B: B forwards the call to the grain's new placement and the client re-resolves.
        Assert.Equal(c.Address!.ToString(), await Eventually.Within(room.WhereAreYou(), Deadline, "the next call placing the room on C"));
        Assert.Equal(c.Address.ToString(), await Eventually.Within(room.Publish("m1", new ChatEvent("p1", "on C", 2)), Deadline, "publishing on C"));

        Assert.True(client.Cache.TryGet(room.GetGrainId(), out var location) && location.Silo == c.Address, "the client's cache does not point at C");
        await received.WaitForCount(2, "the item published on C reaching the subscriber");
        Assert.Equal(["on B", "on C"], received.Items.OfType<ChatEvent>().Select(e => e.Text));
    }

    [Fact]
    public async Task The_last_unsubscribe_withdraws_the_subscription_from_the_silos()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var stream = client.Streams.GetStream<RoomEvent>(RoomStreams.For("u1"));
        var first = await stream.SubscribeAsync(new Inbox().OnNextAsync);
        var second = await stream.SubscribeAsync(new Inbox().OnNextAsync);
        var room = client.Grains.GetGrain<IEchoGrain>("room-u1");
        var key = new StreamKey("Default", RoomStreams.For("u1"), typeof(RoomEvent).FullName!);

        // A call on the same connection is answered after B read every frame sent before it.
        await Eventually.Within(room.WhereAreYou(), Deadline, "a call after subscribing");
        Assert.Single(b.Subscribers.Get(key) ?? []);

        await first.UnsubscribeAsync();
        await Eventually.Within(room.WhereAreYou(), Deadline, "a call after the first unsubscribe");
        Assert.Single(b.Subscribers.Get(key) ?? []);

        await second.UnsubscribeAsync();
        await second.UnsubscribeAsync(); // idempotent
        await Eventually.Within(room.WhereAreYou(), Deadline, "a call after the last unsubscribe");
        Assert.Null(b.Subscribers.Get(key));
        Assert.Empty(await stream.GetAllSubscriptionHandles());
    }

    [Fact]
    public async Task After_a_reconnect_the_client_subscribes_again()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var received = new Inbox();
        await client.Streams.GetStream<RoomEvent>(RoomStreams.For("c1")).SubscribeAsync(received.OnNextAsync);
        var room = client.Grains.GetGrain<IEchoGrain>("room-c1");
        await Eventually.Within(room.Publish("c1", new ChatEvent("p1", "before", 1)), Deadline, "publishing before the cut");
        await received.WaitForCount(1, "the item before the cut");

        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Pool.Connected += (silo, _) =>
        {
            if (silo == b.Address) reconnected.TrySetResult();
        };
        var wire = Assert.Single(client.Pool.OpenConnections, c => c.RemoteSilo == b.Address);
        wire.Abort(new IOException("the test cut the wire"));
        await Eventually.Within(reconnected.Task, Deadline, "the pool reconnecting to B");

        await Eventually.Within(room.Publish("c1", new ChatEvent("p1", "after", 2)), Deadline, "publishing after the reconnect");
        await received.WaitForCount(2, "the item after the reconnect");
        Assert.Equal(["before", "after"], received.Items.OfType<ChatEvent>().Select(e => e.Text));
    }

    [Fact]
    public async Task A_subscriber_on_another_silo_receives_the_items_too()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        cluster.Placement.Target = b.Address;
        var onA = new Inbox();
        var onB = new Inbox();
        await a.Streams.GetStream<RoomEvent>(RoomStreams.For("x1")).SubscribeAsync(onA.OnNextAsync);
        await b.Streams.GetStream<RoomEvent>(RoomStreams.For("x1")).SubscribeAsync(onB.OnNextAsync);

        // A's call to the room on B travels behind A's subscription on the same connection.
        var room = a.Grains.GetGrain<IEchoGrain>("room-x1");
        Assert.Equal(b.Address!.ToString(), await Eventually.Within(room.Publish("x1", new HostChangedEvent("p9")), Deadline, "publishing on B"));

        await onA.WaitForCount(1, "the item reaching silo A's subscriber");
        await onB.WaitForCount(1, "the item reaching silo B's local subscriber");
        Assert.Equal(new HostChangedEvent("p9"), Assert.Single(onA.Items));
        Assert.Equal(new HostChangedEvent("p9"), Assert.Single(onB.Items));
    }

    [Fact]
    public async Task A_connection_that_does_not_read_loses_items_but_never_delays_the_publisher_or_other_subscribers()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync(new() { ["Runtime:Networking:SendQueueCapacity"] = "64" });
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var healthy = new Inbox();
        var id = RoomStreams.For("slow");
        await client.Streams.GetStream<RoomEvent>(id).SubscribeAsync(healthy.OnNextAsync);
        var key = new StreamKey("Default", id, typeof(RoomEvent).FullName!);
        // A call on the same connection is answered after B registered the healthy client's subscription.
        await Eventually.Within(client.Grains.GetGrain<IEchoGrain>("room-slow").WhereAreYou(), Deadline, "a call after subscribing");

        // A peer that subscribes, proves B read the subscription (ping → pong), then never reads again.
        using var stuck = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync("127.0.0.1", b.Address!.Port);
        var encoder = new FrameEncoder();
        await stuck.SendAsync(new HelloFrame("client:stuck", b.Address.Generation).Encode(encoder).ToArray());
        await stuck.SendAsync(new StreamControlFrame(FrameKind.StreamSubscribe, key).Encode(encoder).ToArray());
        await stuck.SendAsync(new PingFrame(FrameKind.Ping, 1).Encode(encoder).ToArray());
        await Eventually.Within(ReadUntilPong(stuck), Deadline, "B answering the stuck peer's ping");
        Assert.Equal(2, b.Subscribers.Get(key)?.Length);
        var stuckConnection = Assert.Single(b.Subscribers.Get(key)!, c => c.PeerName == "client:stuck");

        var stream = b.Streams.GetStream<RoomEvent>(id);
        var text = new string('x', 2048);
        const int Bursts = 200, PerBurst = 40;
        for (var burst = 1; burst <= Bursts; burst++)
        {
            for (var i = 0; i < PerBurst; i++)
            {
                var publish = stream.OnNextAsync(new ChatEvent("p1", text, burst * 1000 + i));
                Assert.True(publish.IsCompletedSuccessfully, "publishing waited for a connection");
            }
            await healthy.WaitForCount(burst * PerBurst, $"the healthy client receiving burst {burst}");
        }

        Assert.True(stuckConnection.DroppedStreamItems > 0, "the stuck connection was never behind: the test sent too little");
        Assert.False(stuckConnection.IsClosed, "dropping stream items closed the connection");
        Assert.Equal(Bursts * PerBurst, healthy.Items.Count);
    }

    private static async Task ReadUntilPong(Socket socket)
    {
        var buffer = new byte[1024];
        var seen = new List<byte>();
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0) throw new IOException("B closed the stuck connection");
            seen.AddRange(buffer.AsSpan(0, n));
            // Frames: int32 length, byte kind, payload. Stop at the pong (kind 8).
            var offset = 0;
            while (seen.Count - offset >= 5)
            {
                var length = BitConverter.ToInt32(seen.GetRange(offset, 4).ToArray());
                if (seen.Count - offset < 5 + length) break;
                if (seen[offset + 4] == (byte)FrameKind.Pong) return;
                offset += 5 + length;
            }
        }
    }

    /// <summary>A subscriber that keeps what it receives and lets the test wait for a count.</summary>
    private sealed class Inbox
    {
        private readonly Probe _probe = new();
        private readonly ConcurrentQueue<RoomEvent> _items = new();

        public IReadOnlyList<RoomEvent> Items => [.. _items];

        public Task OnNextAsync(RoomEvent item, StreamSequenceToken? token)
        {
            _items.Enqueue(item);
            _probe.Record("item");
            return Task.CompletedTask;
        }

        public Task WaitForCount(int count, string what) => _probe.WaitFor(() => _items.Count >= count, Deadline, what);
    }
}
