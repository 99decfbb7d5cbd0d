using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime.Tests;

public sealed class TimerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ticks_never_overlap_and_survive_an_exception()
    {
        await using var silo = await TestSilo.StartAsync(configure: s => s.AddSingleton<Probe>());
        var probe = silo.Services.GetRequiredService<Probe>();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("t");
        // Each tick works 30 ms on a 10 ms period: due ticks pile up and must wait, never overlap.
        await ticker.Start(TimeSpan.FromMilliseconds(10), throwOnTick: 3, tickWork: TimeSpan.FromMilliseconds(30), keepAlive: false);
        await probe.WaitFor(() => probe.Count("tick:t") >= 8, Deadline, "8 ticks, including ones after the tick that threw");
        Assert.Equal(1, await ticker.MaxConcurrency());
    }

    [Fact]
    public async Task Ticks_follow_the_monotonic_clock_without_drift()
    {
        var clock = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(clock, s => s.AddSingleton<Probe>());
        var probe = silo.Services.GetRequiredService<Probe>();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("drift");
        await ticker.Start(TimeSpan.FromMilliseconds(50), throwOnTick: -1, tickWork: TimeSpan.Zero, keepAlive: false);

        // 60 s at 20 Hz, advanced in uneven steps as a real clock would be read.
        var steps = new[] { 13, 50, 37, 50, 61, 39 };
        long elapsed = 0;
        for (var i = 0; elapsed < 60_000; i++)
        {
            var step = Math.Min(steps[i % steps.Length], 60_000 - elapsed);
            clock.Advance(TimeSpan.FromMilliseconds(step));
            elapsed += step;
            var expected = (int)(elapsed / 50);
            await probe.WaitFor(() => probe.Count("tick:drift") >= expected, Deadline, $"tick {expected} at {elapsed} ms");
        }
        Assert.InRange(probe.Count("tick:drift"), 1198, 1202);
    }

    [Fact]
    public async Task Disposing_a_timer_stops_its_ticks()
    {
        var clock = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(clock, s => s.AddSingleton<Probe>());
        var probe = silo.Services.GetRequiredService<Probe>();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("stop");
        await ticker.Start(TimeSpan.FromSeconds(1), throwOnTick: -1, tickWork: TimeSpan.Zero, keepAlive: false);
        clock.Advance(TimeSpan.FromSeconds(1));
        await probe.WaitFor(() => probe.Count("tick:stop") == 1, Deadline, "the first tick");
        await ticker.Stop();
        clock.Advance(TimeSpan.FromSeconds(5));
        await ticker.MaxConcurrency(); // a full turn after the advance: any tick queued by it would have run
        Assert.Equal(1, probe.Count("tick:stop"));
    }
}
