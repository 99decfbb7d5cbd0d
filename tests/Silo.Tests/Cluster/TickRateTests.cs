using Game.Gateway.Tests;
using Game.Grains;
using Game.Silo.Tests.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Silo.Tests.Cluster;

/// <summary>
/// The room tick keeps its rate: snapshots at start + n × period (arena 20 Hz, shared protocol.md), not a period after
/// each tick ends as a plain Orleans grain timer would (measured at about 1,150 instead of 1,200 a minute, 177 instead of
/// 200 in 10 s). And rooms start their schedules on the tick grid (Arena:TickPhases).
/// </summary>
public sealed class TickRateTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_room_ticks_on_its_20_hz_schedule_over_10_seconds()
    {
        // One phase: every room ticks in step, so two rooms' schedules are whole periods apart (with the default ten
        // phases a slot is 5 ms, too close to the map clock's 1 ms to tell a grid from none).
        await using var cluster = await GameTestCluster.StartAsync(await postgres.CreateDatabaseAsync(), silos: 1, gateways: 1,
            configureSilo: silo => silo.Services.Configure<ArenaOptions>(o => o.TickPhases = 1));
        await using var client = await cluster.ConnectAsync(0, "tick");
        await client.HelloAsync("Tick");
        await client.JoinAsync($"tick-{Guid.NewGuid():N}"[..16]);
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 45))); // a second room, at some other moment
        await using var other = await cluster.ConnectAsync(0, "tock");
        await other.HelloAsync("Tock");
        await other.JoinAsync($"tock-{Guid.NewGuid():N}"[..16]);
        var otherMaps = CollectMapsAsync(other, TimeSpan.FromSeconds(10), "maps of the second room");

        // Each map carries its tick number k and the server's clock at that tick (ms). A tick runs at most a few ms early
        // (.NET's timers count steps of the coarse clock, 4 ms on some machines), so over any stretch with one tick on
        // time, the smallest time - 50k is the schedule's origin to within those ms. On the schedule, the
        // origin of the first two seconds and of the last two of 10 s are the same; with a plain period timer it moves
        // by a period per tick's run time, about a second in 10 s. A stall and the catch-up ticks after it (a busy
        // test machine) move neither minimum.
        await client.WaitForMapAfterAsync(20); // past start-up
        var maps = await CollectMapsAsync(client, TimeSpan.FromSeconds(10), "maps for 10 s after start-up");
        var firstTime = maps[0].Time;

        var early = Origin(maps.Where(m => m.Time - firstTime < 2_000));
        var late = Origin(maps.Where(m => m.Time - firstTime >= 8_000));
        var ticks = maps[^1].Tick - maps[0].Tick;
        Assert.True(Math.Abs(late - early) <= 100,
            $"the schedule's origin moved by {late - early} ms in 10 s ({ticks} ticks from the first map to the last), expected at most 100");

        // The second room, made at another moment, ticks in step with the first: their ticks fire at the same timer
        // wake-ups, so the medians of time - 50k differ by whole periods, give or take 2 ms (the map clock's 1 ms, and a
        // wake-up serving one room just before the other). Without the grid, by the time between the two joins. Both
        // medians are over the same stretch of time (the second room's maps start about a second earlier), so that a
        // busy machine's late ticks, which delay both rooms' wake-ups alike, weigh the same in both.
        var second = await otherMaps;
        var from = Math.Max(maps[0].Time, second[0].Time);
        var to = Math.Min(maps[^1].Time, second[^1].Time);
        List<(long Tick, long Time)> Within(List<(long Tick, long Time)> all) => [.. all.Where(m => m.Time >= from && m.Time <= to)];
        var (firstRoom, secondRoom) = (Within(maps), Within(second));
        var apart = MedianOrigin(secondRoom) - MedianOrigin(firstRoom);
        var offGrid = ((apart % 50) + 50) % 50;
        Assert.True(offGrid is <= 2 or >= 48,
            $"the rooms' schedules are {apart} ms apart, not whole 50 ms periods; first room {Describe(firstRoom)}; second room {Describe(secondRoom)}");
    }

    /// <summary>The schedule's origin (ms), to within the few ms a tick can run early: the smallest time - 50 × tick.</summary>
    private static long Origin(IEnumerable<(long Tick, long Time)> maps) => maps.Min(m => m.Time - 50 * m.Tick);

    /// <summary>Where a room's ticks typically fall (ms): the median of time - 50 × tick.</summary>
    private static long MedianOrigin(IEnumerable<(long Tick, long Time)> maps)
    {
        var origins = maps.Select(m => m.Time - 50 * m.Tick).Order().ToArray();
        return origins[origins.Length / 2];
    }

    /// <summary>
    /// For a failure's message: how many maps, their ticks, and how many maps fell at each place in the period
    /// ((time − 50 × tick) mod 50, ms), in the order they came, as runs "place×count".
    /// </summary>
    private static string Describe(List<(long Tick, long Time)> maps)
    {
        var runs = new List<string>();
        long? place = null;
        var count = 0;
        foreach (var (tick, time) in maps)
        {
            var p = (((time - 50 * tick) % 50) + 50) % 50;
            if (p == place) { count++; continue; }
            if (place is not null) runs.Add($"{place}×{count}");
            (place, count) = (p, 1);
        }
        if (place is not null) runs.Add($"{place}×{count}");
        return $"{maps.Count} maps, ticks {maps[0].Tick}–{maps[^1].Tick}, places {string.Join(" ", runs)}";
    }

    /// <summary>The client's maps (tick, server time in ms) from the next one until <paramref name="span"/> after it.</summary>
    private static async Task<List<(long Tick, long Time)>> CollectMapsAsync(TestClient client, TimeSpan span, string what)
    {
        var maps = new List<(long Tick, long Time)>();
        long? start = null;
        await client.WaitForAsync(m =>
        {
            if (TestClient.TypeOf(m) != "map") return false;
            var time = m.GetProperty("time").GetInt64();
            start ??= time;
            maps.Add((m.GetProperty("tick").GetInt64(), time));
            return time - start >= span.TotalMilliseconds;
        }, what, span * 2);
        return maps;
    }
}
