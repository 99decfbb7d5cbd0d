using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime.Tests;

public sealed class LifecycleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, string?> FastCollection = new()
    {
        ["Runtime:Collection:CollectionAge"] = "00:01:00",
        ["Runtime:Collection:CollectionQuantum"] = "00:00:10",
    };

    [Fact]
    public async Task An_idle_activation_is_collected_and_the_next_call_reactivates_it()
    {
        var clock = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(clock, s => s.AddSingleton<Probe>(), FastCollection);
        var probe = silo.Services.GetRequiredService<Probe>();
        var grain = silo.Grains.GetGrain<ILifecycleGrain>("idle");
        var first = await grain.InstanceId();

        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(0, probe.Count("deactivating:idle"));
        clock.Advance(TimeSpan.FromSeconds(30));
        await probe.WaitFor(() => probe.Count("deactivated:idle") == 1, Deadline, "idle collection after 80 s without calls");

        var second = await grain.InstanceId();
        Assert.NotEqual(first, second);
        Assert.Equal(2, probe.Count("activate:idle"));
    }

    [Fact]
    public async Task A_keep_alive_timer_keeps_the_activation_from_collection()
    {
        var clock = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(clock, s => s.AddSingleton<Probe>(), FastCollection);
        var probe = silo.Services.GetRequiredService<Probe>();
        var ticker = silo.Grains.GetGrain<ITickerGrain>("alive");
        await ticker.Start(TimeSpan.FromSeconds(5), throwOnTick: -1, tickWork: TimeSpan.Zero, keepAlive: true);
        var idle = silo.Grains.GetGrain<ILifecycleGrain>("control");
        await idle.InstanceId();

        for (var t = 5; t <= 300; t += 5)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            await probe.WaitFor(() => probe.Count("tick:alive") >= t / 5, Deadline, $"keep-alive tick at {t} s");
        }
        await probe.WaitFor(() => probe.Count("deactivated:control") == 1, Deadline, "the control grain being collected");
        Assert.Equal(60, probe.Count("tick:alive"));
        Assert.Equal(1, await ticker.MaxConcurrency()); // same activation still answering, never collected
    }

    [Fact]
    public async Task A_call_that_arrives_during_deactivation_reactivates_the_grain()
    {
        await using var silo = await TestSilo.StartAsync(configure: s => s.AddSingleton<Probe>());
        var probe = silo.Services.GetRequiredService<Probe>();
        var grain = silo.Grains.GetGrain<ILifecycleGrain>("slow-1");
        var first = await grain.InstanceId();
        await grain.Deactivate();
        await probe.WaitFor(() => probe.Count("deactivating:slow-1") == 1, Deadline, "OnDeactivateAsync starting");

        var during = grain.InstanceId();
        Assert.False(during.IsCompleted);
        probe.Gate("release:slow-1").SetResult();

        var second = await Eventually.Within(during, Deadline, "the call made during deactivation completing");
        Assert.NotEqual(first, second);
        Assert.Equal(2, probe.Count("activate:slow-1"));
    }

    [Fact]
    public async Task Stopping_the_silo_deactivates_every_activation()
    {
        var silo = await TestSilo.StartAsync(configure: s => s.AddSingleton<Probe>());
        var probe = silo.Services.GetRequiredService<Probe>();
        for (var i = 0; i < 5; i++) await silo.Grains.GetGrain<ILifecycleGrain>($"stop-{i}").InstanceId();
        await silo.DisposeAsync();
        Assert.Equal(5, probe.Count("deactivated:stop-"));
        Assert.All(probe.Events.Where(e => e.StartsWith("deactivating:stop-")), e => Assert.EndsWith(":ShuttingDown", e));
    }
}
