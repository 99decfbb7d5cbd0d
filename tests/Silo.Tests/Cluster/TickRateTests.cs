using Game.Gateway.Tests;
using Game.Silo.Tests.Postgres;

namespace Game.Silo.Tests.Cluster;

/// <summary>
/// The room tick keeps its rate: snapshots at start + n × period (arena 20 Hz, shared protocol.md), not a period after
/// each tick ends as a plain Orleans grain timer would (measured at about 1,150 instead of 1,200 a minute, 177 instead of
/// 200 in 10 s).
/// </summary>
public sealed class TickRateTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_room_ticks_on_its_20_hz_schedule_over_10_seconds()
    {
        await using var cluster = await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos: 1, gateways: 1);
        await using var client = await cluster.ConnectAsync(0, "tick");
        await client.HelloAsync("Tick");
        await client.JoinAsync($"tick-{Guid.NewGuid():N}"[..16]);

        // Each map carries its tick number k and the server's clock at that tick (ms). A tick never runs early, so over
        // any stretch with one tick on time, the smallest time - 50k is the schedule's origin. On the schedule, the
        // origin of the first two seconds and of the last two of 10 s are the same; with a plain period timer it moves
        // by a period per tick's run time, about a second in 10 s. A stall and the catch-up ticks after it (a busy
        // test machine) move neither minimum.
        var first = await client.WaitForMapAfterAsync(20); // past start-up
        var firstTime = first.GetProperty("time").GetInt64();
        var maps = new List<(long Tick, long Time)>();
        await client.WaitForAsync(m =>
        {
            if (TestClient.TypeOf(m) != "map") return false;
            var time = m.GetProperty("time").GetInt64();
            maps.Add((m.GetProperty("tick").GetInt64(), time));
            return time - firstTime >= 10_000;
        }, "maps for 10 s after the first", TimeSpan.FromSeconds(20));

        static long Origin(IEnumerable<(long Tick, long Time)> maps) => maps.Min(m => m.Time - 50 * m.Tick);
        var early = Origin(maps.Where(m => m.Time - firstTime < 2_000));
        var late = Origin(maps.Where(m => m.Time - firstTime >= 8_000));
        var ticks = maps[^1].Tick - maps[0].Tick;
        Assert.True(Math.Abs(late - early) <= 100,
            $"the schedule's origin moved by {late - early} ms in 10 s ({ticks} ticks from the first map to the last), expected at most 100");
    }
}
