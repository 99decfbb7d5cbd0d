using System.Text.Json;
using Game.Gateway.Tests;
using Game.Runtime;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Game.Clustering.Tests.Cluster;

/// <summary>
/// The cluster end to end: silos and gateways as separate hosts on loopback, real PostgreSQL, real WebSocket players.
/// Issue 3's scenarios: single activation, placement, failover, live migration, membership edge cases.
/// </summary>
public sealed class ClusterTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private readonly Dictionary<TestClient, string> _ids = [];

    private async Task<TestCluster> StartAsync(int silos, int gateways)
        => await TestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos, gateways);

    private async Task<TestClient> PlayerAsync(TestCluster cluster, int gateway, string name, string room)
    {
        var client = await TestClient.ConnectAsync(TestCluster.Address(cluster.Gateways[gateway]), name);
        var welcome = await client.HelloAsync(name);
        lock (_ids) _ids[client] = welcome.GetProperty("id").GetString()!;
        await client.JoinAsync(room);
        return client;
    }

    [Fact]
    public async Task Fifty_concurrent_joins_through_two_gateways_and_three_silos_make_one_room()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 2);
        var room = $"single-{Guid.NewGuid():N}"[..20];
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var c = await TestClient.ConnectAsync(TestCluster.Address(cluster.Gateways[i % 2]), $"p{i}");
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
        Assert.NotNull(await cluster.LocateAsync(new GrainId("room", room)));
        // Every seated player, whichever gateway it is on, sees all eight in the same room's snapshot.
        foreach (var c in clients.Where((_, i) => answers[i] == "joined"))
        {
            await c.WaitForAsync(m => TestClient.TypeOf(m) == "map" && m.GetProperty("player").EnumerateObject().Count() == 8,
                "a map with all 8 seated players");
        }
        foreach (var c in clients) await c.DisposeAsync();
    }

    [Fact]
    public async Task New_rooms_spread_over_the_silos_and_a_silo_added_later_takes_the_next_ones()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 1);
        var players = new List<TestClient>();
        for (var i = 0; i < 30; i++) players.Add(await PlayerAsync(cluster, 0, $"a{i}", $"spread-{i}-{Guid.NewGuid():N}"[..24]));
        var perSilo = await CountRoomsAsync(cluster);
        Assert.All(cluster.Silos, s => Assert.InRange(perSilo.GetValueOrDefault(TestCluster.AddressOf(s)), 7, 13));

        var added = await cluster.AddSiloAsync();
        await TestCluster.WaitUntilAsync(() => cluster.Gateways[0].Services.GetRequiredService<IClusterMembershipView>().ActiveSilos.Count == 4,
            TimeSpan.FromSeconds(20), "the gateway seeing the new silo active");
        for (var i = 0; i < 5; i++) players.Add(await PlayerAsync(cluster, 0, $"b{i}", $"later-{i}-{Guid.NewGuid():N}"[..24]));
        var after = await CountRoomsAsync(cluster);
        Assert.Equal(5, after.GetValueOrDefault(TestCluster.AddressOf(added)));
        foreach (var p in players) await p.DisposeAsync();
    }

    [Fact]
    public async Task Players_are_placed_with_their_rooms_and_keep_playing()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 1);
        var players = new List<(TestClient Client, string Room)>();
        for (var i = 0; i < 6; i++)
        {
            var room = $"with-{i}-{Guid.NewGuid():N}"[..20];
            players.Add((await PlayerAsync(cluster, 0, $"w{i}", room), room));
        }
        foreach (var (client, room) in players)
        {
            var player = new GrainId("player", _ids[client]);
            var roomSilo = await cluster.LocateAsync(new GrainId("room", room));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (await cluster.LocateAsync(player) is var at && at != roomSilo)
            {
                Assert.True(DateTime.UtcNow < deadline, $"player {player} stayed on {at}, its room {room} is on {roomSilo}");
                await client.RoundTripAsync();
            }
            // Its inputs still reach the room after the move: acks advance.
            await client.SendAsync(new { type = "input", seq = 1000, time = 0, input = new[] { 0, 1 } });
            await client.WaitForAsync(m => TestClient.TypeOf(m) == "map" && AckOf(m, client) == 1000, "the input sent after the move acknowledged");
        }
        foreach (var (client, _) in players) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_killed_silos_rooms_resume_elsewhere_from_checkpoints_and_players_keep_their_sockets()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 2);
        var rooms = Enumerable.Range(0, 6).Select(i => $"fail-{i}-{Guid.NewGuid():N}"[..20]).ToArray();
        var players = new List<(TestClient Client, string Room)>();
        for (var i = 0; i < rooms.Length; i++)
        {
            players.Add((await PlayerAsync(cluster, 0, $"x{i}", rooms[i]), rooms[i]));
            players.Add((await PlayerAsync(cluster, 1, $"y{i}", rooms[i]), rooms[i]));
        }
        // Let checkpoints happen (every second and on every join).
        foreach (var (client, _) in players) await client.WaitForMapAfterAsync(25);

        var victimAddress = (await cluster.LocateAsync(new GrainId("room", rooms[0])))!;
        var victimRooms = new List<string>();
        foreach (var r in rooms)
        {
            if (await cluster.LocateAsync(new GrainId("room", r)) == victimAddress) victimRooms.Add(r);
        }
        var ticksBefore = players.ToDictionary(p => p.Client, p => p.Client.LastMapTick);
        cluster.KillSilo(cluster.SiloAt(victimAddress));

        foreach (var (client, room) in players)
        {
            // Play resumes: snapshots again, with a tick counter that continued from the checkpoint (not reset).
            var resumed = await client.WaitForMapAfterAsync(ticksBefore[client] + 5, TimeSpan.FromSeconds(25));
            Assert.True(resumed.GetProperty("tick").GetInt64() > 20);
            Assert.Null(client.CloseStatus);
        }
        foreach (var room in victimRooms)
        {
            var now = await cluster.LocateAsync(new GrainId("room", room));
            Assert.NotNull(now);
            Assert.NotEqual(victimAddress, now);
        }
        // No room is duplicated: every room is in the directory exactly once and each player's map has its 2 players.
        foreach (var (client, _) in players)
        {
            await client.WaitForAsync(m => TestClient.TypeOf(m) == "map" && m.GetProperty("player").EnumerateObject().Count() == 2,
                "a map of the resumed room with both its players");
        }
        foreach (var (client, _) in players) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_stopped_gracefully_moves_every_room_without_closing_a_socket_or_losing_acked_input()
    {
        await using var cluster = await StartAsync(silos: 3, gateways: 1);
        var rooms = Enumerable.Range(0, 6).Select(i => $"move-{i}-{Guid.NewGuid():N}"[..20]).ToArray();
        var players = new List<(TestClient Client, string Room)>();
        foreach (var room in rooms) players.Add((await PlayerAsync(cluster, 0, "m", room), room));

        // Each player moves and gets its inputs acknowledged.
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

        var leaving = (await cluster.LocateAsync(new GrainId("room", rooms[0])))!;
        var ticksBefore = players.ToDictionary(p => p.Client, p => p.Client.LastMapTick);
        await cluster.StopSiloAsync(cluster.SiloAt(leaving));

        foreach (var (client, room) in players)
        {
            var map = await client.WaitForMapAfterAsync(ticksBefore[client] + 3, TimeSpan.FromSeconds(15));
            Assert.True(map.GetProperty("tick").GetInt64() > ticksBefore[client], "the tick counter went back");
            Assert.True(AckOf(map, client) >= acked[client], "an acknowledged input was lost in the move");
            Assert.Null(client.CloseStatus);
            var at = await cluster.LocateAsync(new GrainId("room", room));
            Assert.NotNull(at);
            Assert.NotEqual(leaving, at);
        }
        foreach (var (client, _) in players) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_room_moves_on_an_operator_call_and_keeps_playing()
    {
        await using var cluster = await StartAsync(silos: 2, gateways: 1);
        var room = $"op-{Guid.NewGuid():N}"[..16];
        var player = await PlayerAsync(cluster, 0, "o", room);
        await player.WaitForMapAfterAsync(3);
        var from = await cluster.LocateAsync(new GrainId("room", room));

        using var http = new HttpClient { BaseAddress = TestCluster.Address(cluster.Gateways[0]) };
        var response = await http.PostAsync($"/cluster/rooms/{room}/migrate", null);
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(from!.ToString(), body.GetProperty("from").GetString());
        Assert.NotEqual(from.ToString(), body.GetProperty("to").GetString());

        var tick = player.LastMapTick;
        await player.WaitForMapAfterAsync(tick + 5, TimeSpan.FromSeconds(10));
        Assert.Null(player.CloseStatus);

        var view = JsonDocument.Parse(await http.GetStringAsync("/cluster")).RootElement;
        Assert.Equal(2, view.GetProperty("silos").GetArrayLength());
        Assert.Equal(1, view.GetProperty("silos").EnumerateArray().Sum(s => s.GetProperty("rooms").GetInt32()));
        Assert.All(view.GetProperty("silos").EnumerateArray(), s => Assert.True(s.GetProperty("cpuPercent").GetDouble() >= 0));
        await player.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_declared_dead_stops_and_two_silos_starting_at_once_both_join()
    {
        await using var cluster = await StartAsync(silos: 2, gateways: 0);
        var table = cluster.Silos[0].Services.GetRequiredService<IMembershipTable>();
        var snapshot = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(2, snapshot.Entries.Count(e => e.Status == SiloStatus.Active));

        // The cluster declares silo 1 dead (as if it had been silent too long): it must refuse to go on.
        var victim = cluster.Silos[1];
        var victimAddress = TestCluster.AddressOf(victim);
        var stopped = new TaskCompletionSource();
        victim.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopped.TrySetResult());
        var row = snapshot.Entries.Single(e => e.Silo == victimAddress);
        Assert.True(await table.TryUpdateAsync(row with { Status = SiloStatus.Dead }, snapshot.Version, CancellationToken.None));
        await Eventually.Within(stopped.Task, "the silo declared dead stopping itself", TimeSpan.FromSeconds(10));
        Assert.Equal(SiloStatus.Dead, victim.Services.GetRequiredService<ISiloStatusOracle>().CurrentStatus);

        // Coming back means a new silo (new generation); the old row stays dead.
        var rejoined = await cluster.AddSiloAsync();
        Assert.NotEqual(victimAddress, TestCluster.AddressOf(rejoined));
        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(SiloStatus.Dead, after.Entries.Single(e => e.Silo == victimAddress).Status);
        Assert.Equal(SiloStatus.Active, after.Entries.Single(e => e.Silo == TestCluster.AddressOf(rejoined)).Status);
        Assert.Equal(2, after.Entries.Count(e => e.Status == SiloStatus.Active));
    }

    private long AckOf(JsonElement map, TestClient client)
        => map.GetProperty("player").TryGetProperty(_ids[client], out var p) ? p[5].GetInt64() : 0;

    private static async Task<Dictionary<SiloAddress, int>> CountRoomsAsync(TestCluster cluster)
    {
        var directory = cluster.Gateways[0].Services.GetRequiredService<Game.Runtime.Directory.IGrainDirectory>();
        return new Dictionary<SiloAddress, int>(await directory.CountBySilo("room"));
    }
}
