using System.Net.Http.Json;
using System.Text.Json;
using Game.Gateway.Tests;
using Game.Grains;
using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Game.Grains.Rooms;
using Game.Silo.Tests.Postgres;
using Game.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Game.Silo.Tests.Cluster;

/// <summary>
/// The cluster end to end on Orleans's <see cref="Orleans.TestingHost.InProcessTestCluster"/>: silos as the product
/// configures them with grain state in PostgreSQL, gateways with real WebSocket players. Single activation, placement,
/// failover, live migration, graceful stop, and a stale writer.
/// </summary>
public sealed class ClusterScenarioTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    private readonly Dictionary<TestClient, string> _ids = [];

    private async Task<GameTestCluster> StartAsync(int silos, int gateways, bool roomKeeper = true)
        => await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos, gateways, roomKeeper);

    private async Task<TestClient> PlayerAsync(GameTestCluster cluster, int gateway, string name, string room)
    {
        var client = await cluster.ConnectAsync(gateway, name);
        var welcome = await client.HelloAsync(name);
        lock (_ids) _ids[client] = welcome.GetProperty("id").GetString()!;
        await client.JoinAsync(room);
        return client;
    }

    private static string NewRoom(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 9)];

    [Fact]
    public async Task Fifty_concurrent_joins_through_two_gateways_and_three_silos_make_one_room()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 2);
        var room = NewRoom("single");
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var c = await cluster.ConnectAsync(i % 2, $"p{i}");
            await c.HelloAsync($"p{i}");
            return c;
        }));
        var answers = await Task.WhenAll(clients.Select(async c =>
        {
            await c.SendAsync(new { type = "join", room });
            var reply = await c.WaitForAsync(m => TestClient.TypeOf(m) is "joined" or "error", "joined or error");
            return TestClient.TypeOf(reply) == "joined" ? "joined" : reply.GetProperty("code").GetString()!;
        }));

        Assert.Equal(8, answers.Count(a => a == "joined"));
        Assert.Equal(42, answers.Count(a => a == "room_full"));
        Assert.NotNull(await cluster.LocateRoomAsync(room));
        // Every seated player, whichever gateway it is on, sees all eight in the same room's snapshot.
        foreach (var c in clients.Where((_, i) => answers[i] == "joined"))
        {
            await c.WaitForAsync(m => TestClient.TypeOf(m) == "map" && m.GetProperty("player").EnumerateObject().Count() == 8,
                "a map with all 8 seated players");
        }
        foreach (var c in clients) await c.DisposeAsync();
    }

    [Fact]
    public async Task New_rooms_spread_over_the_silos_and_a_silo_added_later_takes_new_rooms()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 1);
        var players = new List<TestClient>();
        for (var i = 0; i < 24; i++) players.Add(await PlayerAsync(cluster, 0, $"a{i}", NewRoom($"spread{i}")));
        var perSilo = await cluster.RoomsPerSiloAsync();
        Assert.Equal(24, perSilo.Values.Sum());
        Assert.All(perSilo.Values, rooms => Assert.InRange(rooms, 3, 14));

        var added = await cluster.Orleans.StartAdditionalSiloAsync();
        await cluster.Orleans.WaitForLivenessToStabilizeAsync();
        for (var i = 0; i < 8; i++) players.Add(await PlayerAsync(cluster, 0, $"b{i}", NewRoom($"later{i}")));
        var after = await cluster.RoomsPerSiloAsync();
        Assert.True(after.GetValueOrDefault(added.SiloAddress) >= 2,
            $"the silo added later took {after.GetValueOrDefault(added.SiloAddress)} of 8 new rooms");
        foreach (var p in players) await p.DisposeAsync();
    }

    [Fact]
    public async Task Inputs_reach_rooms_on_every_silo_and_are_acknowledged()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 1);
        // New rooms until every silo runs one: each silo's placement director starts without figures, so the first
        // few rooms may well share a silo (the spread itself is the test above).
        var players = new List<(TestClient Client, string Room)>();
        var silos = new HashSet<SiloAddress>();
        for (var i = 0; silos.Count < 3; i++)
        {
            Assert.True(i < 24, $"24 new rooms went to {silos.Count} of 3 silos");
            var room = NewRoom($"in{i}");
            players.Add((await PlayerAsync(cluster, 0, $"w{i}", room), room));
            silos.Add((await cluster.LocateRoomAsync(room))!);
        }
        var seq = 1000;
        foreach (var (client, _) in players)
        {
            await client.SendAsync(new { type = "input", seq = ++seq, time = 0, input = new[] { 0, 1 } });
            var expected = seq;
            await client.WaitForAsync(m => TestClient.TypeOf(m) == "map" && AckOf(m, client) == expected, "the input acknowledged");
        }
        foreach (var (client, _) in players) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_killed_silos_rooms_resume_elsewhere_from_their_state_and_players_keep_their_sockets()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 2);
        var rooms = Enumerable.Range(0, 6).Select(i => NewRoom($"fail{i}")).ToArray();
        var players = new List<(TestClient Client, string Room)>();
        for (var i = 0; i < rooms.Length; i++)
        {
            players.Add((await PlayerAsync(cluster, 0, $"x{i}", rooms[i]), rooms[i]));
            players.Add((await PlayerAsync(cluster, 1, $"y{i}", rooms[i]), rooms[i]));
        }
        foreach (var (client, _) in players) await client.WaitForMapAfterAsync(25); // past a periodic checkpoint

        var victim = (await cluster.LocateRoomAsync(rooms[0]))!;
        var victimRooms = new List<string>();
        foreach (var r in rooms)
        {
            if (Equals(await cluster.LocateRoomAsync(r), victim)) victimRooms.Add(r);
        }
        var ticksBefore = players.ToDictionary(p => p.Client, p => p.Client.LastMapTick);
        await cluster.Orleans.KillSiloAsync(cluster.SiloAt(victim));

        // While the dead silo is being declared dead, new players still get in: hello and join a new room, on both gateways.
        var newcomers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PlayerAsync(cluster, i % 2, $"n{i}", NewRoom($"new{i}"))));
        foreach (var newcomer in newcomers) await newcomer.WaitForMapAfterAsync(1);

        foreach (var (client, _) in players)
        {
            // Play resumes: snapshots again, with a tick counter that continued from the stored state (not reset).
            var resumed = await client.WaitForMapAfterAsync(ticksBefore[client] + 5, TimeSpan.FromSeconds(25));
            Assert.True(resumed.GetProperty("tick").GetInt64() > 20, "the tick counter started over");
            Assert.Null(client.CloseStatus);
        }
        foreach (var room in victimRooms)
        {
            var now = await cluster.LocateRoomAsync(room);
            Assert.NotNull(now);
            Assert.NotEqual(victim, now);
        }
        // Each room runs once: every player's map has the room's 2 players.
        foreach (var (client, _) in players)
        {
            await client.WaitForAsync(m => TestClient.TypeOf(m) == "map" && m.GetProperty("player").EnumerateObject().Count() == 2,
                "a map of the resumed room with both its players");
        }
        foreach (var (client, _) in players) await client.DisposeAsync();
        foreach (var newcomer in newcomers) await newcomer.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_stopped_gracefully_moves_every_room_live_without_closing_a_socket_or_losing_acked_input()
    {
        // No room keeper: a room that were merely deactivated at the stop would stay down until a call came.
        await using var cluster = await StartAsync(silos: 3, gateways: 1, roomKeeper: false);
        var rooms = Enumerable.Range(0, 6).Select(i => NewRoom($"move{i}")).ToArray();
        var players = new List<(TestClient Client, string Room)>();
        foreach (var room in rooms) players.Add((await PlayerAsync(cluster, 0, "m", room), room));

        var seq = 0;
        foreach (var (client, _) in players)
        {
            for (var i = 0; i < 5; i++) await client.SendAsync(new { type = "input", seq = ++seq, time = 0, input = new[] { 1, 0 } });
        }
        var acked = new Dictionary<TestClient, long>();
        foreach (var (client, _) in players)
        {
            var map = await client.WaitForAsync(m => TestClient.TypeOf(m) == "map" && AckOf(m, client) > 0, "a map acknowledging input");
            acked[client] = AckOf(map, client);
        }

        var leaving = (await cluster.LocateRoomAsync(rooms[0]))!;
        var ticksBefore = players.ToDictionary(p => p.Client, p => p.Client.LastMapTick);
        await cluster.Orleans.StopSiloAsync(cluster.SiloAt(leaving));

        foreach (var (client, room) in players)
        {
            await client.WaitForMapAfterAsync(ticksBefore[client] + 20, TimeSpan.FromSeconds(15));
            var map = await client.WaitForMapAfterAsync(client.LastMapTick);
            Assert.Equal(0, client.RepeatedTicks); // moved live: no tick repeated from an older checkpoint
            Assert.True(AckOf(map, client) >= acked[client], "an acknowledged input was lost in the move");
            Assert.Null(client.CloseStatus);
            var at = await cluster.LocateRoomAsync(room);
            Assert.NotNull(at);
            Assert.NotEqual(leaving, at);
        }
        foreach (var (client, _) in players) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_room_moves_live_on_an_operator_call_and_keeps_playing()
    {
        await using var cluster = await StartAsync(silos: 2, gateways: 1, roomKeeper: false);
        var room = NewRoom("op");
        var player = await PlayerAsync(cluster, 0, "o", room);
        await player.WaitForMapAfterAsync(3);
        var from = await cluster.LocateRoomAsync(room);

        using var http = new HttpClient { BaseAddress = GameTestCluster.Address(cluster.Gateways[0]) };
        // Operator endpoints need the token (shared protocol.md v1.1): without it, 401 and the room stays.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.PostAsync($"/cluster/rooms/{room}/migrate", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/cluster")).StatusCode);
        Assert.Equal(from, await cluster.LocateRoomAsync(room));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GameTestCluster.OperatorToken);
        var response = await http.PostAsync($"/cluster/rooms/{room}/migrate", null);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(from!.ToString(), body.GetProperty("from").GetString());
        Assert.NotEqual(from.ToString(), body.GetProperty("to").GetString());
        Assert.NotEqual(from, await cluster.LocateRoomAsync(room));

        // The room went on from its live state: no tick came twice (a restart from the last checkpoint would repeat up
        // to a second of ticks).
        await player.WaitForMapAfterAsync(player.LastMapTick + 20, TimeSpan.FromSeconds(10));
        Assert.Equal(0, player.RepeatedTicks);
        Assert.Null(player.CloseStatus);

        var view = JsonDocument.Parse(await http.GetStringAsync("/cluster")).RootElement;
        Assert.Equal(2, view.GetProperty("silos").GetArrayLength());
        Assert.Equal(1, view.GetProperty("silos").EnumerateArray().Sum(s => s.GetProperty("rooms").GetInt32()));
        Assert.Equal(1, view.GetProperty("silos").EnumerateArray().Sum(s => s.GetProperty("players").GetInt32()));
        // The room's silo reports how late its ticks started (every tick starts a little after its due time).
        Assert.Contains(view.GetProperty("silos").EnumerateArray(), s => s.GetProperty("rooms").GetInt32() == 1 && s.GetProperty("tickLateP99Ms").GetDouble() > 0);
        await player.DisposeAsync();
    }

    [Fact]
    public async Task A_room_whose_state_another_activation_wrote_stops_ticking_and_does_not_overwrite_it()
    {
        // What a frozen silo's room finds when it wakes: its room resumed elsewhere and wrote newer state. Here the
        // newer state is written straight to storage; the room must notice at its next checkpoint (ETag), stop, and
        // leave the newer state alone.
        await using var cluster = await StartAsync(silos: 1, gateways: 0);
        var room = NewRoom("stale");
        var player = cluster.Client.GetGrain<IPlayerGrain>("stale-p1");
        await player.StartSession("Ada");
        Assert.NotNull((await player.JoinRoom(room, "arena", null)).Joined);

        var silo = cluster.Orleans.Silos[0];
        var storage = cluster.Orleans.GetSiloServiceProvider(silo.SiloAddress).GetRequiredKeyedService<IGrainStorage>(GameStorage.Name);
        var grainId = cluster.Client.GetGrain<IRoomGrain>(room).GetGrainId();
        var newer = new GrainState<RoomCheckpoint>();
        await storage.ReadStateAsync("room", grainId, newer);
        Assert.IsType<ArenaState>(newer.State?.State);
        const long marker = 4242;
        newer.State!.LastTickMs = marker; // the "other activation" wrote this
        await storage.WriteStateAsync("room", grainId, newer);
        var writtenAtTick = ((ArenaState)newer.State.State!).Tick;

        // Two checkpoint intervals later the stored state is still the other activation's.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var stored = new GrainState<RoomCheckpoint>();
        await storage.ReadStateAsync("room", grainId, stored);
        Assert.Equal(marker, stored.State!.LastTickMs);
        Assert.Equal(writtenAtTick, ((ArenaState)stored.State.State!).Tick);
        Assert.Equal(newer.ETag, stored.ETag);
    }

    private long AckOf(JsonElement map, TestClient client)
        => map.GetProperty("player").TryGetProperty(_ids[client], out var p) ? p[5].GetInt64() : 0;
}
