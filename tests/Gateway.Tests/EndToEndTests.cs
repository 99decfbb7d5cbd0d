using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Game.Grains.Interfaces;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Gateway.Tests;

/// <summary>
/// The shipped app end to end: real ClientWebSocket clients, a real Kestrel port, the co-hosted silo with the real
/// room, player and lobby grains. Each test fails saying which message did not arrive.
/// </summary>
[Collection(RealGatewayCollection.Name)]
public sealed class EndToEndTests(RealGateway gateway)
{
    private static string? TypeOf(JsonElement m) => TestClient.TypeOf(m);

    private static bool IsMapWith(JsonElement m, string playerId)
        => TypeOf(m) == "map" && m.GetProperty("player").TryGetProperty(playerId, out _);

    private async Task<TestClient> WelcomedAsync(string name)
    {
        var client = await gateway.ConnectAsync(name);
        await client.HelloAsync(name);
        return client;
    }

    [Fact]
    public async Task Two_players_join_and_one_sees_the_other_move()
    {
        var room = RealGateway.NewRoom("move");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");

        var joinedA = await a.JoinAsync(room);
        Assert.Equal(room, joinedA.GetProperty("room").GetString());
        Assert.Equal("arena", joinedA.GetProperty("kind").GetString());
        Assert.Equal(a.Id, joinedA.GetProperty("you").GetString());
        Assert.Equal(a.Id, joinedA.GetProperty("host").GetString());
        Assert.Equal(20, joinedA.GetProperty("tick").GetInt32());
        Assert.Equal([1000, 1000], joinedA.GetProperty("world").EnumerateArray().Select(e => e.GetInt32()));

        var joinedB = await b.JoinAsync(room);
        Assert.Equal(a.Id, joinedB.GetProperty("host").GetString());
        Assert.True(joinedB.GetProperty("players").TryGetProperty(a.Id!, out var aProfile), "b's joined lists a");
        Assert.Equal("Ada", aProfile.GetProperty("name").GetString());
        Assert.Equal(3, aProfile.GetProperty("color").GetArrayLength());
        var bJoined = await a.WaitForAsync(m => TypeOf(m) == "player_joined" && m.GetProperty("id").GetString() == b.Id, "player_joined for b");
        Assert.Equal("Bob", bJoined.GetProperty("name").GetString());

        // Where b sees a now; a then moves towards the middle along x.
        var before = (await b.WaitForAsync(m => IsMapWith(m, a.Id!), "a map with a in it")).GetProperty("player").GetProperty(a.Id!);
        var x0 = before[0].GetDouble();
        Assert.Equal(100, before[4].GetInt32());
        var direction = x0 > 500 ? -1 : 1;
        for (var seq = 1; seq <= 3; seq++) await a.SendAsync(new { type = "input", seq, time = seq * 50, input = new[] { direction, 0 } });

        var moved = await b.WaitForAsync(m => IsMapWith(m, a.Id!)
            && (m.GetProperty("player").GetProperty(a.Id!)[0].GetDouble() - x0) * direction > 5,
            $"a map in which a moved from x={x0} towards x={(direction > 0 ? "1000" : "0")}");
        var state = moved.GetProperty("player").GetProperty(a.Id!);
        Assert.Equal(6, state.GetArrayLength());
        Assert.InRange(state[5].GetInt64(), 1, 3); // ack: an input seq that was applied

        // a sees itself acknowledged too.
        await a.WaitForAsync(m => IsMapWith(m, a.Id!) && m.GetProperty("player").GetProperty(a.Id!)[5].GetInt64() >= 1, "a map acknowledging a's input");
    }

    [Fact]
    public async Task An_attack_event_comes_after_the_map_before_its_tick_and_before_the_map_of_its_tick()
    {
        var room = RealGateway.NewRoom("hit");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        await a.JoinAsync(room);
        await b.JoinAsync(room);

        // Ada walks up to Bob (200 world units a second, at most about 1,400 apart): within reach of an attack (100).
        var seq = 0L;
        while (true)
        {
            var map = await a.WaitForAsync(m => IsMapWith(m, a.Id!) && IsMapWith(m, b.Id!), "a map with both players");
            var (ada, bob) = (map.GetProperty("player").GetProperty(a.Id!), map.GetProperty("player").GetProperty(b.Id!));
            var (dx, dy) = (bob[0].GetDouble() - ada[0].GetDouble(), bob[1].GetDouble() - ada[1].GetDouble());
            var distance = Math.Sqrt(dx * dx + dy * dy);
            if (distance <= 60) break;
            Assert.True(seq < 400, $"Ada did not reach Bob (still {distance:0} apart)");
            seq++;
            await a.SendAsync(new { type = "input", seq, time = seq * 50, input = new[] { dx / distance, dy / distance } });
        }
        seq++;
        await a.SendAsync(new { type = "input", seq, time = seq * 50, input = new[] { 0, 0 }, attack = true });

        // Bob's messages in the order they came: the event is between the last map without the hit and the first with it.
        var hpBefore = -1;
        JsonElement hit;
        while (true)
        {
            var message = await b.NextAsync();
            if (TypeOf(message) == "player_attacked")
            {
                hit = message;
                break;
            }
            if (IsMapWith(message, b.Id!)) hpBefore = message.GetProperty("player").GetProperty(b.Id!)[4].GetInt32();
        }
        Assert.Equal(b.Id, hit.GetProperty("id").GetString());
        Assert.Equal(a.Id, hit.GetProperty("by").GetString());
        Assert.Equal(90, hit.GetProperty("hp").GetInt32());
        Assert.Equal(100, hpBefore); // no map showed the hit before the event did
        var after = await b.WaitForAsync(m => IsMapWith(m, b.Id!), "the map after the hit");
        Assert.Equal(90, after.GetProperty("player").GetProperty(b.Id!)[4].GetInt32());
    }

    [Fact]
    public async Task The_ninth_player_gets_room_full()
    {
        var room = RealGateway.NewRoom("full");
        var clients = new List<TestClient>();
        try
        {
            for (var i = 1; i <= 8; i++)
            {
                var c = await WelcomedAsync($"p{i}");
                clients.Add(c);
                await c.JoinAsync(room);
            }
            var ninth = await WelcomedAsync("p9");
            clients.Add(ninth);
            await ninth.SendAsync(new { type = "join", room });
            await ninth.ExpectErrorAsync("room_full");
            await ninth.RoundTripAsync(); // still connected
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Wrong_password_is_refused_and_the_right_one_lets_in()
    {
        var room = RealGateway.NewRoom("pw");
        await using var host = await WelcomedAsync("Host");
        await using var guest = await WelcomedAsync("Guest");
        await host.JoinAsync(room, password: "s3cret");

        await guest.SendAsync(new { type = "join", room, password = "nope" });
        await guest.ExpectErrorAsync("wrong_password");
        await guest.SendAsync(new { type = "join", room });
        await guest.ExpectErrorAsync("wrong_password");
        var joined = await guest.JoinAsync(room, password: "s3cret");
        Assert.Equal(host.Id, joined.GetProperty("host").GetString());

        await guest.SendAsync(new { type = "rooms" });
        var rooms = await guest.WaitForTypeAsync("rooms");
        var entry = rooms.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("id").GetString() == room);
        Assert.True(entry.GetProperty("locked").GetBoolean());
        Assert.Equal(8, entry.GetProperty("max").GetInt32());
        Assert.Equal("arena", entry.GetProperty("kind").GetString());
        Assert.InRange(entry.GetProperty("players").GetInt32(), 1, 2);
    }

    public static TheoryData<string, string> BadFrames => new()
    {
        { "not json at all", "bad_request" },
        { """{"type":"input","seq":"one","time":1,"input":[0,0]}""", "bad_request" },
        { """{"type":"input","seq":1,"time":1,"input":[2,0]}""", "bad_request" },
        { """{"type":"input","seq":1,"time":1,"input":[1e999,0]}""", "bad_request" },
        { """{"type":"input","seq":-5,"time":1,"input":[0,0]}""", "bad_request" },
        { """{"type":"chat","text":""}""", "bad_request" },
        { """{"type":"join","room":"no spaces allowed"}""", "bad_request" },
        { """{"type":"hello","name":"again"}""", "bad_request" },
        { """{"name":"no type"}""", "bad_request" },
        { """{"type":"teleport","to":[0,0]}""", "unknown_type" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task Bad_messages_get_their_error_and_the_room_keeps_ticking(string frame, string code)
    {
        var room = RealGateway.NewRoom("bad");
        await using var a = await WelcomedAsync("Ada");
        await a.JoinAsync(room);
        await a.WaitForTypeAsync("map");

        await a.SendTextAsync(frame);
        await a.ExpectErrorAsync(code);
        var tick = a.LastMapTick;
        var map = await a.WaitForMapAfterAsync(tick);
        Assert.True(map.GetProperty("player").TryGetProperty(a.Id!, out var me), "still seated after the bad message");
        Assert.Equal(0, me[5].GetInt64()); // nothing reached the room: no input was applied
        await a.WaitForMapAfterAsync(map.GetProperty("tick").GetInt64());
    }

    [Fact]
    public async Task Messages_before_welcome_and_outside_a_room_are_refused_without_reaching_a_room()
    {
        var room = RealGateway.NewRoom("order");
        await using var seated = await WelcomedAsync("Seated");
        await seated.JoinAsync(room);

        await using var fresh = await gateway.ConnectAsync("fresh");
        await fresh.SendAsync(new { type = "join", room });
        await fresh.ExpectErrorAsync("bad_request");
        await fresh.SendAsync(new { type = "input", seq = 1, time = 1, input = new[] { 1, 0 } });
        await fresh.ExpectErrorAsync("bad_request");
        await fresh.SendAsync(new { type = "time", t = 42 });
        Assert.Equal(42, (await fresh.WaitForTypeAsync("time")).GetProperty("t").GetDouble());

        await fresh.HelloAsync("Fresh");
        await fresh.SendAsync(new { type = "input", seq = 1, time = 1, input = new[] { 1, 0 } });
        await fresh.ExpectErrorAsync("not_in_room");
        await fresh.SendAsync(new { type = "chat", text = "anyone?" });
        await fresh.ExpectErrorAsync("not_in_room");
        await fresh.SendAsync(new { type = "leave" });
        await fresh.ExpectErrorAsync("not_in_room");

        var map = await seated.WaitForMapAfterAsync(seated.LastMapTick);
        Assert.Equal([seated.Id!], map.GetProperty("player").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_frame_over_4_KiB_gets_too_large_and_close_1009()
    {
        await using var a = await WelcomedAsync("Ada");
        await a.SendAsync(new { type = "chat", text = new string('x', 5000) });
        await a.ExpectErrorAsync("too_large");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await a.WaitForCloseAsync());
    }

    [Fact]
    public async Task Inputs_beyond_60_per_second_are_dropped_and_rate_limited_is_sent()
    {
        var room = RealGateway.NewRoom("rate");
        await using var a = await WelcomedAsync("Ada");
        await a.JoinAsync(room);
        for (var seq = 1; seq <= 200; seq++) await a.SendAsync(new { type = "input", seq, time = seq, input = new[] { 0.5, 0.5 } });
        await a.ExpectErrorAsync("rate_limited");
        await a.RoundTripAsync(); // every input has been accepted or dropped by now

        // Two ticks later the room has applied the newest accepted input: not the last one sent.
        var map = await a.WaitForMapAfterAsync(a.LastMapTick + 2);
        var ack = map.GetProperty("player").GetProperty(a.Id!)[5].GetInt64();
        Assert.InRange(ack, 60, 199);
    }

    [Fact]
    public async Task A_dropped_player_is_announced_away_and_back_when_it_resumes()
    {
        var room = RealGateway.NewRoom("away");
        await using var other = await WelcomedAsync("Other");
        var first = await WelcomedAsync("Ada");
        await first.JoinAsync(room);
        await other.JoinAsync(room);
        var (id, token) = (first.Id!, first.Token!);
        await first.DisposeAsync();

        var away = await other.WaitForAsync(m => TypeOf(m) == "player_away" && m.GetProperty("id").GetString() == id, "player_away for the dropped player");
        Assert.True(away.GetProperty("away").GetBoolean());

        await using var second = await gateway.ConnectAsync("Ada again");
        await second.HelloAsync("Ada", token);
        var back = await other.WaitForAsync(m => TypeOf(m) == "player_away" && m.GetProperty("id").GetString() == id
            && !m.GetProperty("away").GetBoolean(), "player_away false once the player resumed");
        Assert.False(back.GetProperty("away").GetBoolean());
    }

    [Fact]
    public async Task A_batch_of_inputs_moves_each_sender_and_an_away_players_late_inputs_are_ignored()
    {
        var room = RealGateway.NewRoom("batch");
        await using var watcher = await WelcomedAsync("Watcher");
        await using var ada = await WelcomedAsync("Ada");
        var bob = await WelcomedAsync("Bob");
        await watcher.JoinAsync(room);
        await ada.JoinAsync(room);
        await bob.JoinAsync(room);
        var grain = gateway.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<IRoomGrain>(room);
        long AckOf(JsonElement map, string id) => map.GetProperty("player").GetProperty(id)[5].GetInt64();

        // One call carrying both players' inputs (as a gateway's epoll loop sends the inputs of one room it read in one
        // pass): each is applied to its sender.
        await grain.Inputs(new InputBatch([ada.Id!, bob.Id!], [new PlayerInput(5, 250, 1, 0, false), new PlayerInput(7, 350, -1, 0, false)]));
        await watcher.WaitForAsync(m => IsMapWith(m, ada.Id!) && IsMapWith(m, bob.Id!) && AckOf(m, ada.Id!) == 5 && AckOf(m, bob.Id!) == 7,
            "a map acknowledging seq 5 of Ada and 7 of Bob");

        // Bob's connection drops: inputs of his that arrive after that (sent before the drop, delivered late) do not
        // move him, alone or in a batch, while Ada's still do.
        await bob.DisposeAsync();
        await watcher.WaitForAsync(m => TypeOf(m) == "player_away" && m.GetProperty("id").GetString() == bob.Id, "player_away for Bob");
        await grain.Input(bob.Id!, new PlayerInput(8, 400, 1, 0, false));
        await grain.Inputs(new InputBatch([bob.Id!, ada.Id!], [new PlayerInput(9, 450, 1, 0, false), new PlayerInput(6, 300, 1, 0, false)]));
        var map = await watcher.WaitForAsync(m => IsMapWith(m, ada.Id!) && AckOf(m, ada.Id!) == 6, "a map acknowledging seq 6 of Ada");
        Assert.Equal(7, AckOf(map, bob.Id!));
        var later = await watcher.WaitForMapAfterAsync(map.GetProperty("tick").GetInt64() + 2);
        Assert.Equal(7, AckOf(later, bob.Id!));
    }

    [Fact]
    public async Task Resume_within_30_s_keeps_the_id_and_the_seat()
    {
        var room = RealGateway.NewRoom("resume");
        await using var other = await WelcomedAsync("Other");
        var first = await WelcomedAsync("Ada");
        await first.JoinAsync(room);
        await other.JoinAsync(room);
        var (id, token) = (first.Id!, first.Token!);
        await first.DisposeAsync();

        await using var second = await gateway.ConnectAsync("Ada again");
        var welcome = await second.HelloAsync("Ada", token);
        Assert.Equal(id, welcome.GetProperty("id").GetString());
        var joined = await second.WaitForTypeAsync("joined");
        Assert.Equal(room, joined.GetProperty("room").GetString());
        Assert.Equal(id, joined.GetProperty("you").GetString());
        Assert.True(joined.GetProperty("players").TryGetProperty(other.Id!, out _), "the room still has the other player");
        await second.WaitForAsync(m => IsMapWith(m, id), "a map with the resumed player");

        // The seat never went away: the other player saw no player_left for it.
        await other.SendAsync(new { type = "chat", text = "still here?" });
        var chat = await other.WaitForAsync(m => TypeOf(m) is "chat" or "player_left", "the chat echo");
        Assert.Equal("chat", TypeOf(chat));
    }

    [Fact]
    public async Task Chat_reaches_the_room_and_leave_is_announced()
    {
        var room = RealGateway.NewRoom("chat");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        await a.JoinAsync(room);
        await b.JoinAsync(room);

        await a.SendAsync(new { type = "chat", text = "hi bob" });
        foreach (var c in new[] { a, b })
        {
            var chat = await c.WaitForTypeAsync("chat");
            Assert.Equal(a.Id, chat.GetProperty("from").GetString());
            Assert.Equal("hi bob", chat.GetProperty("text").GetString());
            Assert.True(chat.GetProperty("time").GetInt64() > 1_600_000_000_000, "chat time is server ms since the epoch");
        }

        await a.SendAsync(new { type = "leave" });
        Assert.Equal(a.Id, (await a.WaitForTypeAsync("player_left")).GetProperty("id").GetString());
        await b.WaitForAsync(m => TypeOf(m) == "player_left" && m.GetProperty("id").GetString() == a.Id, "player_left for a");
        var host = await b.WaitForTypeAsync("host_changed");
        Assert.Equal(b.Id, host.GetProperty("id").GetString());
        await b.WaitForAsync(m => TypeOf(m) == "map" && !m.GetProperty("player").TryGetProperty(a.Id!, out _), "a map without a");
    }

    [Fact]
    public async Task Time_is_echoed_with_the_server_clock()
    {
        await using var c = await gateway.ConnectAsync("clock");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await c.SendAsync(new { type = "time", t = 123.5 });
        var reply = await c.WaitForTypeAsync("time");
        Assert.Equal(123.5, reply.GetProperty("t").GetDouble());
        Assert.InRange(reply.GetProperty("server").GetInt64(), before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
    }

    [Fact]
    public async Task Healthz_is_200_when_the_silo_is_active()
    {
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_browser_client_is_served_at_the_root()
    {
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var response = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<canvas", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
