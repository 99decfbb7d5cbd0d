using System.Net;
using System.Net.WebSockets;
using System.Text;
using Game.Gateway.Feeds;
using Game.Gateway.Tests.Fakes;
using Game.Grains.Interfaces;
using Game.Tests.Shared;
using Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Gateway.Tests;

/// <summary>
/// The gateway over a fake cluster whose rooms publish only when the test says so: fault handling, fan-out,
/// feed lifecycle, rate limiting on a manual clock. The real-runtime flows are in EndToEndTests.
/// </summary>
public sealed class FakeClusterGatewayTests
{
    private static string TypeOf(System.Text.Json.JsonElement m) => TestClient.TypeOf(m)!;

    [Fact]
    public async Task Hello_gets_welcome_with_server_made_id_and_token()
    {
        var clock = new ManualTimeProvider();
        await using var gateway = await FakeGateway.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var a = await gateway.ConnectAsync("a");
        await using var b = await gateway.ConnectAsync("b");

        var welcome = await a.HelloAsync("Ada");
        await b.HelloAsync("Ada");
        Assert.Matches("^[A-Za-z0-9_-]{1,16}$", a.Id);
        Assert.NotEqual(a.Id, b.Id);
        Assert.StartsWith(a.Id + ".", a.Token);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), welcome.GetProperty("time").GetInt64());
    }

    [Fact]
    public async Task Time_echoes_t_with_server_clock_even_before_hello()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromMilliseconds(1234));
        await using var gateway = await FakeGateway.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var c = await gateway.ConnectAsync();

        await c.SendTextAsync("""{"type":"time","t":99.5}""");
        var reply = await c.WaitForTypeAsync("time");
        Assert.Equal(99.5, reply.GetProperty("t").GetDouble());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), reply.GetProperty("server").GetInt64());
    }

    [Theory]
    [InlineData("""{"type":"join","room":"r"}""", "bad_request")]
    [InlineData("""{"type":"rooms"}""", "bad_request")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0]}""", "bad_request")]
    [InlineData("""{"type":"chat","text":"hi"}""", "bad_request")]
    [InlineData("""{"type":"leave"}""", "bad_request")]
    [InlineData("""{"type":"dance"}""", "unknown_type")]
    [InlineData("""{oops""", "bad_request")]
    public async Task Before_welcome_only_hello_and_time_are_served(string frame, string code)
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.SendTextAsync(frame);
        await c.ExpectErrorAsync(code);
        Assert.Equal(0, gateway.Cluster.Streams.SubscriberCount("r")); // nothing reached a room
        await c.HelloAsync("Ada"); // still open and usable
    }

    [Fact]
    public async Task Room_messages_outside_a_room_get_not_in_room_and_the_connection_stays_open()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");
        foreach (var frame in new[] { """{"type":"input","seq":1,"time":1,"input":[1,0]}""", """{"type":"chat","text":"hi"}""", """{"type":"leave"}""" })
        {
            await c.SendTextAsync(frame);
            await c.ExpectErrorAsync("not_in_room");
        }
        Assert.Empty(gateway.Cluster.Player(c.Id!).Inputs);
        await c.JoinAsync("r");
    }

    [Fact]
    public async Task Binary_frames_are_bad_requests()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.SendBytesAsync("""{"type":"time","t":1}"""u8.ToArray(), WebSocketMessageType.Binary);
        await c.ExpectErrorAsync("bad_request");
        await c.HelloAsync("Ada");
    }

    [Fact]
    public async Task One_feed_per_room_fans_the_same_items_out_and_ends_with_the_last_local_player()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var a = await gateway.ConnectAsync("a");
        await using var b = await gateway.ConnectAsync("b");
        await a.HelloAsync("Ada");
        await b.HelloAsync("Bob");
        await a.JoinAsync("r1");
        var joined = await b.JoinAsync("r1");
        Assert.Equal(a.Id, joined.GetProperty("host").GetString());
        await a.WaitForAsync(m => TypeOf(m) == "player_joined" && m.GetProperty("id").GetString() == b.Id, "b's player_joined");
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("r1"));

        await gateway.Cluster.Room("r1").PublishSnapshot(x: 12.345f);
        foreach (var c in new[] { a, b })
        {
            var map = await c.WaitForTypeAsync("map");
            Assert.Equal(12.35, map.GetProperty("player").GetProperty(a.Id!)[0].GetDouble());
        }

        await a.SendAsync(new { type = "chat", text = "hello room" });
        foreach (var c in new[] { a, b })
        {
            var chat = await c.WaitForTypeAsync("chat");
            Assert.Equal(a.Id, chat.GetProperty("from").GetString());
            Assert.Equal("hello room", chat.GetProperty("text").GetString());
        }

        await a.SendAsync(new { type = "leave" });
        var left = await a.WaitForTypeAsync("player_left");
        Assert.Equal(a.Id, left.GetProperty("id").GetString());
        await b.WaitForAsync(m => TypeOf(m) == "player_left" && m.GetProperty("id").GetString() == a.Id, "a's player_left");
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("r1"));

        // The leaver gets nothing more from the room: the next thing it receives is the reply to its time probe.
        await gateway.Cluster.Room("r1").PublishSnapshot();
        await a.SendAsync(new { type = "time", t = 5 });
        Assert.Equal("time", TypeOf(await a.NextAsync()));
        await b.WaitForTypeAsync("map");

        await b.SendAsync(new { type = "leave" });
        await b.WaitForTypeAsync("player_left");
        await b.RoundTripAsync();
        Assert.Equal(0, gateway.Cluster.Streams.SubscriberCount("r1"));
        Assert.Equal(0, gateway.Services.GetRequiredService<RoomFeedRegistry>().Count);
    }

    [Fact]
    public async Task Switching_rooms_moves_the_feed()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var a = await gateway.ConnectAsync("a");
        await a.HelloAsync("Ada");
        await a.JoinAsync("one");
        await a.JoinAsync("two");
        await a.RoundTripAsync(); // the join is handled to the end
        Assert.Equal(0, gateway.Cluster.Streams.SubscriberCount("one"));
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("two"));
        await gateway.Cluster.Room("two").PublishSnapshot();
        await a.WaitForTypeAsync("map");
    }

    [Fact]
    public async Task Room_errors_are_passed_on()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var a = await gateway.ConnectAsync("a");
        await using var b = await gateway.ConnectAsync("b");
        await a.HelloAsync("Ada");
        await b.HelloAsync("Bob");
        await a.JoinAsync("locked", password: "pw");
        await b.SendAsync(new { type = "join", room = "locked", password = "nope" });
        await b.ExpectErrorAsync("wrong_password");
        gateway.Cluster.Room("full").Max = 1;
        await a.JoinAsync("full");
        await b.SendAsync(new { type = "join", room = "full" });
        await b.ExpectErrorAsync("room_full");
        await b.RoundTripAsync();
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("full")); // a's feed only: b's failed join left none behind
    }

    [Fact]
    public async Task A_new_session_or_join_that_cannot_reach_a_silo_is_tried_again_and_a_timed_out_session_three_times()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        // As right after a silo died: the new player grain's messages are rejected until membership catches up.
        gateway.Cluster.FailNextCalls(new SiloUnavailableException(), new SiloUnavailableException(), new SiloUnavailableException());
        await c.HelloAsync("Ada");
        gateway.Cluster.FailNextCalls(new SiloUnavailableException(), new SiloUnavailableException());
        Assert.Equal("r", (await c.JoinAsync("r")).GetProperty("room").GetString()); // the room's silo, likewise

        // As during a silo's freeze: new sessions placed on it go unanswered until membership declares it dead.
        await using var d = await gateway.ConnectAsync();
        gateway.Cluster.FailNextCalls(new TimeoutException("first"), new TimeoutException("second"), new TimeoutException("third"));
        await d.HelloAsync("Bo");

        await using var e = await gateway.ConnectAsync();
        gateway.Cluster.FailNextCalls(Enumerable.Range(1, 4).Select(i => new TimeoutException($"try {i}")).ToArray<Exception>());
        await e.SendAsync(new { type = "hello", name = "Cy" });
        await e.ExpectErrorAsync("unavailable");
        await e.HelloAsync("Cy");

        // Any other failure of a new session is tried again once only.
        await using var f = await gateway.ConnectAsync();
        gateway.Cluster.FailNextCalls(new InvalidOperationException("first"), new InvalidOperationException("second"));
        await f.SendAsync(new { type = "hello", name = "Di" });
        await f.ExpectErrorAsync("unavailable");
        await f.HelloAsync("Di");
    }

    [Fact]
    public async Task A_room_stream_that_cannot_reach_a_silo_is_tried_again_and_another_failure_is_not()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");

        // As right after a silo died: the subscription's messages are rejected until membership catches up.
        gateway.Cluster.Streams.FailNextSubscribes(new SiloUnavailableException(), new SiloUnavailableException("unable to connect"));
        var joined = await c.JoinAsync("r");
        Assert.Equal("r", joined.GetProperty("room").GetString());
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("r"));

        await using var d = await gateway.ConnectAsync();
        await d.HelloAsync("Bo");
        gateway.Cluster.Streams.FailNextSubscribes(new InvalidOperationException("not a delivery failure"), new SiloUnavailableException());
        await d.SendAsync(new { type = "join", room = "s" });
        await d.ExpectErrorAsync("unavailable");
        Assert.Equal(0, gateway.Cluster.Streams.SubscriberCount("s"));
        var rejoined = await d.JoinAsync("s"); // the second failure was not used up by a retry: this join waits it out
        Assert.Equal("s", rejoined.GetProperty("room").GetString());
    }

    [Fact]
    public async Task A_room_stream_subscription_that_timed_out_is_made_again_once()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");

        // As during a silo's freeze: the stream's rendezvous grain was on it, and the first try went unanswered.
        gateway.Cluster.Streams.FailNextSubscribes(new TimeoutException("no response in 5 s"));
        Assert.Equal("r", (await c.JoinAsync("r")).GetProperty("room").GetString());
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("r"));

        await using var d = await gateway.ConnectAsync();
        await d.HelloAsync("Bo");
        gateway.Cluster.Streams.FailNextSubscribes(new TimeoutException("first"), new TimeoutException("second"));
        await d.SendAsync(new { type = "join", room = "s" });
        await d.ExpectErrorAsync("unavailable");
        Assert.Equal(0, gateway.Cluster.Streams.SubscriberCount("s"));
    }

    [Fact]
    public async Task Grain_failures_answer_unavailable_and_keep_the_connection()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        gateway.Cluster.Unreachable = true;
        await c.SendAsync(new { type = "hello", name = "Ada" });
        await c.ExpectErrorAsync("unavailable");
        gateway.Cluster.Unreachable = false;
        await c.HelloAsync("Ada");

        gateway.Cluster.Unreachable = true;
        await c.SendAsync(new { type = "join", room = "r" });
        await c.ExpectErrorAsync("unavailable");
        await c.SendAsync(new { type = "rooms" });
        await c.ExpectErrorAsync("unavailable");
        gateway.Cluster.Unreachable = false;

        var joined = await c.JoinAsync("r");
        Assert.Equal("r", joined.GetProperty("room").GetString());
        gateway.Cluster.Unreachable = true;
        await c.SendAsync(new { type = "chat", text = "x" });
        await c.ExpectErrorAsync("unavailable");
        await c.SendAsync(new { type = "leave" });
        await c.ExpectErrorAsync("unavailable");
        gateway.Cluster.Unreachable = false;

        await c.SendAsync(new { type = "rooms" });
        var rooms = await c.WaitForTypeAsync("rooms");
        Assert.Equal("fake-room", rooms.GetProperty("rooms")[0].GetProperty("id").GetString());
        Assert.True(rooms.GetProperty("rooms")[0].GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task Frame_over_4_KiB_gets_too_large_then_close_1009()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");
        await c.SendAsync(new { type = "chat", text = new string('x', 4200) });
        await c.ExpectErrorAsync("too_large");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await c.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_frame_of_exactly_4096_bytes_is_accepted()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        var prefix = "{\"type\":\"time\",\"t\":1,\"pad\":\"";
        var frame = prefix + new string('x', 4096 - prefix.Length - 2) + "\"}";
        Assert.Equal(4096, Encoding.UTF8.GetByteCount(frame));
        await c.SendTextAsync(frame);
        await c.WaitForTypeAsync("time");
    }

    [Fact]
    public async Task More_than_60_inputs_per_second_are_dropped_with_one_notice_per_second()
    {
        var clock = new ManualTimeProvider();
        await using var gateway = await FakeGateway.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");
        await c.JoinAsync("r");
        for (var seq = 1; seq <= 100; seq++) await c.SendAsync(new { type = "input", seq, time = seq, input = new[] { 1, 0 } });
        await c.SendAsync(new { type = "time", t = 1 });
        await c.ExpectErrorAsync("rate_limited");
        Assert.Equal("time", TypeOf(await c.NextAsync())); // exactly one notice for the 40 dropped
        // Inputs go one-way (an epoll loop sends a pass's inputs when the pass ends): they reach the room shortly after.
        await Eventually.Until(() => gateway.Cluster.Player(c.Id!).Inputs.Length >= 60, Eventually.Deadline, "the accepted inputs reaching the room");
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), gateway.Cluster.Player(c.Id!).Inputs.Select(i => i.Seq).Order()); // calls of successive passes may land in either order here

        clock.Advance(TimeSpan.FromSeconds(1));
        for (var seq = 101; seq <= 161; seq++) await c.SendAsync(new { type = "input", seq, time = seq, input = new[] { 0, 1 } });
        await c.ExpectErrorAsync("rate_limited"); // a second later: 60 more accepted, the 61st dropped and told
        await Eventually.Until(() => gateway.Cluster.Player(c.Id!).Inputs.Length >= 120, Eventually.Deadline, "the next second's inputs reaching the room");
        await c.RoundTripAsync();
        Assert.Equal(120, gateway.Cluster.Player(c.Id!).Inputs.Length);
        Assert.Equal(160, gateway.Cluster.Player(c.Id!).Inputs.Max(i => i.Seq));
    }

    [Fact]
    public async Task Resume_keeps_the_id_and_seat_and_reports_the_drop_once()
    {
        await using var gateway = await FakeGateway.StartAsync();
        var first = await gateway.ConnectAsync("first");
        await first.HelloAsync("Ada");
        await first.JoinAsync("r");
        var (id, token) = (first.Id!, first.Token!);
        await first.DisposeAsync();

        await using var second = await gateway.ConnectAsync("second");
        await second.HelloAsync("ignored", token);
        Assert.Equal(id, second.Id);
        var joined = await second.WaitForTypeAsync("joined");
        Assert.Equal("r", joined.GetProperty("room").GetString());
        Assert.Equal(id, joined.GetProperty("you").GetString());
        Assert.Equal(1, gateway.Cluster.Player(id).Disconnects);
        await gateway.Cluster.Room("r").PublishSnapshot();
        await second.WaitForTypeAsync("map");
    }

    [Fact]
    public async Task Resume_while_the_old_socket_is_open_closes_the_old_one_without_a_disconnect()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var first = await gateway.ConnectAsync("first");
        await first.HelloAsync("Ada");
        await first.JoinAsync("r");

        await using var second = await gateway.ConnectAsync("second");
        await second.HelloAsync("Ada", first.Token);
        Assert.Equal(first.Id, second.Id);
        await second.WaitForTypeAsync("joined");
        Assert.Equal((WebSocketCloseStatus)4001, await first.WaitForCloseAsync());
        Assert.Equal(0, gateway.Cluster.Player(first.Id!).Disconnects);
        Assert.Equal(1, gateway.Cluster.Streams.SubscriberCount("r"));
    }

    [Fact]
    public async Task Unknown_token_starts_a_new_session()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada", "nobody.secret");
        Assert.NotEqual("nobody", c.Id);
        await using var d = await gateway.ConnectAsync();
        await d.HelloAsync("Ada", "no-dot-token");
        Assert.DoesNotContain('.', d.Id!);
    }

    [Fact]
    public async Task Healthz_follows_the_silo_status()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        gateway.Cluster.CurrentStatus = SiloStatus.ShuttingDown;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Stopping_the_server_closes_connections_with_1001()
    {
        var gateway = await FakeGateway.StartAsync();
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");
        var stop = gateway.StopAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await c.WaitForCloseAsync());
        await stop;
        await gateway.DisposeAsync();
    }
}
