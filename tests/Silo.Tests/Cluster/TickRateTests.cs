using Game.Gateway.Tests;
using Game.Silo.Tests.Postgres;

namespace Game.Silo.Tests.Cluster;

/// <summary>
/// The room tick keeps its rate: snapshots at start + n × period (arena 20 Hz, shared protocol.md), not a period after
/// each tick ends as a plain Orleans grain timer would (measured at about 1,150 instead of 1,200 a minute).
/// </summary>
public sealed class TickRateTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_room_sends_20_snapshots_a_second_within_2_over_10_seconds()
    {
        await using var cluster = await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos: 1, gateways: 1);
        await using var client = await cluster.ConnectAsync(0, "tick");
        await client.HelloAsync("Tick");
        await client.JoinAsync($"tick-{Guid.NewGuid():N}"[..16]);

        // Each map carries its tick number and the server's clock at that tick (ms): over 10 s of server time there
        // must be 200 ± 2 ticks.
        var first = await client.WaitForMapAfterAsync(20); // past start-up
        var last = await client.WaitForAsync(m => TestClient.TypeOf(m) == "map"
            && m.GetProperty("time").GetInt64() - first.GetProperty("time").GetInt64() >= 10_000, "a map 10 s after the first",
            TimeSpan.FromSeconds(20));

        var ticks = last.GetProperty("tick").GetInt64() - first.GetProperty("tick").GetInt64();
        var seconds = (last.GetProperty("time").GetInt64() - first.GetProperty("time").GetInt64()) / 1000.0;
        Assert.True(Math.Abs(ticks - 20 * seconds) <= 2, $"{ticks} ticks in {seconds:0.000} s of server time, expected {20 * seconds:0.0} ± 2");
    }
}
