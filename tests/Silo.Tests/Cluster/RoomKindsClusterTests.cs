using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Game.Gateway.Tests;
using Game.Silo.Tests.Postgres;
using Orleans.Runtime;

namespace Game.Silo.Tests.Cluster;

/// <summary>Protocol v1.1 across a cluster: messaging scopes over two gateways, a pong room moving mid-rally, a board surviving a killed silo.</summary>
public sealed class RoomKindsClusterTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    private static string? TypeOf(JsonElement m) => TestClient.TypeOf(m);

    private static string NewRoom(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 9)];

    private static async Task<TestClient> WelcomedAsync(GameTestCluster cluster, int gateway, string name)
    {
        var client = await cluster.ConnectAsync(gateway, name);
        await client.HelloAsync(name);
        return client;
    }

    private static async Task<JsonElement> JoinKindAsync(TestClient client, string room, string kind)
    {
        await client.SendAsync(new { type = "join", room, kind });
        var reply = await client.WaitForAsync(m => TypeOf(m) is "joined" or "error", $"joined for {kind} room {room}");
        Assert.True(TypeOf(reply) == "joined", reply.GetRawText());
        return reply;
    }

    [Fact]
    public async Task A_whisper_and_an_announcement_reach_players_on_the_other_gateway()
    {
        await using var cluster = await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos: 2, gateways: 2);
        await using var a = await WelcomedAsync(cluster, 0, "Ada");
        await using var b = await WelcomedAsync(cluster, 1, "Bob");

        await a.SendAsync(new { type = "chat", text = "over here", to = b.Id });
        var whisper = await b.WaitForAsync(m => TypeOf(m) == "chat", "the whisper from the other gateway");
        Assert.Equal(a.Id, whisper.GetProperty("from").GetString());

        using var http = new HttpClient { BaseAddress = GameTestCluster.Address(cluster.Gateways[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GameTestCluster.OperatorToken);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/admin/announce", new { text = "maintenance" })).StatusCode);
        foreach (var c in new[] { a, b })
        {
            Assert.Equal("maintenance", (await c.WaitForAsync(m => TypeOf(m) == "announcement", "the announcement")).GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task A_pong_room_moved_mid_rally_carries_on_from_where_the_ball_was()
    {
        await using var cluster = await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos: 2, gateways: 1, roomKeeper: false);
        var room = NewRoom("pong");
        await using var a = await WelcomedAsync(cluster, 0, "Ada");
        await using var b = await WelcomedAsync(cluster, 0, "Bob");
        await JoinKindAsync(a, room, "pong");
        await JoinKindAsync(b, room, "pong");
        await a.WaitForAsync(m => TypeOf(m) == "map" && m.GetProperty("state").GetString() == "playing"
            && m.GetProperty("ball")[2].GetDouble() != 0, "a rally under way");

        var from = await cluster.LocateRoomAsync(room);
        var target = cluster.Orleans.GetActiveSilos().Select(s => s.SiloAddress).First(s => !s.Equals(from));
        var before = a.LastMapTick;
        await cluster.Client.GetGrain<Grains.Interfaces.IRoomGrain>(room).Migrate(target);
        await a.WaitForMapAfterAsync(before + 15, TimeSpan.FromSeconds(10));
        Assert.Equal(target, await cluster.LocateRoomAsync(room));

        // No tick repeated or skipped back: the ball went on from its live state, not from the last checkpoint.
        Assert.Equal(0, a.RepeatedTicks);
        var last = a.MapOfTick(a.LastMapTick)!.Value;
        var previous = a.MapOfTick(a.LastMapTick - 1)!.Value;
        var (x0, x1) = (previous.GetProperty("ball")[0].GetDouble(), last.GetProperty("ball")[0].GetDouble());
        var vx = previous.GetProperty("ball")[2].GetDouble();
        if (previous.GetProperty("state").GetString() == "playing" && last.GetProperty("state").GetString() == "playing")
        {
            Assert.True(Math.Abs(x1 - x0) <= Math.Abs(vx) / 30 + 1, $"the ball jumped from {x0} to {x1} in one tick");
        }
    }

    [Fact]
    public async Task A_board_keeps_its_strokes_when_its_silo_is_killed()
    {
        await using var cluster = await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos: 2, gateways: 1);
        var room = NewRoom("board");
        await using var a = await WelcomedAsync(cluster, 0, "Ada");
        await using var b = await WelcomedAsync(cluster, 0, "Bob");
        await JoinKindAsync(a, room, "board");
        await JoinKindAsync(b, room, "board");
        for (var i = 0; i < 3; i++)
        {
            await a.SendAsync(new { type = "draw", points = new[] { new[] { i, i }, new[] { i + 10, i + 10 } }, color = new[] { 0, 0, 255 }, width = 3 });
            await b.WaitForAsync(m => TypeOf(m) == "draw" && m.GetProperty("id").GetInt64() == i + 1, $"stroke {i + 1}");
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past a checkpoint

        var victim = (await cluster.LocateRoomAsync(room))!;
        await cluster.Orleans.KillSiloAsync(cluster.SiloAt(victim));

        await using var late = await WelcomedAsync(cluster, 0, "Cy");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement joined;
        while (true)
        {
            await late.SendAsync(new { type = "join", room, kind = "board" });
            joined = await late.WaitForAsync(m => TypeOf(m) is "joined" or "error", "an answer to the join");
            if (TypeOf(joined) == "joined" || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        Assert.Equal("joined", TypeOf(joined));
        Assert.Equal(3, joined.GetProperty("strokes").GetArrayLength());
        Assert.NotEqual(victim, await cluster.LocateRoomAsync(room));
    }
}
