using System.Diagnostics;
using Game.Grains.Timing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Game.Grains.Tests.Timing;

/// <summary>
/// <see cref="PreciseTimeProvider"/>: the clock of grain timers in a silo (issue 11, "Fifteenth pass"). Its timers keep
/// <see cref="System.Threading.Timer"/>'s contract (due time, period, change, dispose, execution context, argument checks) and fire on its
/// one thread. How precisely they fire is measured in docs/performance.md, not asserted here.
/// </summary>
public sealed class PreciseTimeProviderTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly PreciseTimeProvider _clock = new("test timers");

    public void Dispose() => _clock.Dispose();

    [Fact]
    public async Task A_one_shot_timer_fires_once_and_not_before_its_due_time()
    {
        var fired = 0;
        var at = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        using var timer = _clock.CreateTimer(_ =>
        {
            Interlocked.Increment(ref fired);
            at.TrySetResult(Stopwatch.GetTimestamp());
        }, null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);

        var firedAt = await at.Task.WaitAsync(Patience);
        Assert.True(Stopwatch.GetElapsedTime(start, firedAt) >= TimeSpan.FromMilliseconds(30));
        await Task.Delay(100);
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task A_periodic_timer_fires_until_it_is_changed_to_infinite()
    {
        var fired = 0;
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _clock.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref fired) == 3) three.TrySetResult();
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));

        await three.Task.WaitAsync(Patience);
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        await Task.Delay(30); // a call already due when it changed may still run
        var stopped = Volatile.Read(ref fired);
        await Task.Delay(100);
        Assert.Equal(stopped, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task A_disposed_timer_stops_and_refuses_changes()
    {
        var fired = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = _clock.CreateTimer(_ =>
        {
            Interlocked.Increment(ref fired);
            first.TrySetResult();
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
        await first.Task.WaitAsync(Patience);

        timer.Dispose();
        await Task.Delay(30);
        var stopped = Volatile.Read(ref fired);
        await Task.Delay(100);
        Assert.Equal(stopped, Volatile.Read(ref fired));
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task A_timer_moved_earlier_wakes_the_waiting_thread()
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var later = _clock.CreateTimer(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        using var timer = _clock.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        await Task.Delay(50); // the thread now waits for an hour

        timer.Change(TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);

        await fired.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_timer_changed_before_it_fires_fires_once_at_its_last_due_time()
    {
        var fired = 0;
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _clock.CreateTimer(_ =>
        {
            Interlocked.Increment(ref fired);
            done.TrySetResult(Stopwatch.GetTimestamp());
        }, null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromMilliseconds(40), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        var lastChange = Stopwatch.GetTimestamp();
        timer.Change(TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);

        var firedAt = await done.Task.WaitAsync(Patience);
        Assert.True(Stopwatch.GetElapsedTime(lastChange, firedAt) >= TimeSpan.FromMilliseconds(30));
        await Task.Delay(100);
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public void A_timer_waits_in_the_queue_once_however_often_it_is_changed_and_not_at_all_once_disposed()
    {
        var timer = _clock.CreateTimer(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        for (var i = 0; i < 1000; i++) timer.Change(TimeSpan.FromMinutes(30 + i), Timeout.InfiniteTimeSpan);
        using var other = _clock.CreateTimer(_ => { }, null, TimeSpan.FromHours(2), TimeSpan.FromHours(2));
        Assert.Equal(2, _clock.Queued);

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Equal(1, _clock.Queued);
        timer.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        Assert.Equal(1, _clock.Queued);
    }

    [Fact]
    public async Task The_callback_runs_in_the_execution_context_captured_at_creation_unless_its_flow_is_suppressed()
    {
        var local = new AsyncLocal<string?> { Value = "room-1" };
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var flowing = _clock.CreateTimer(_ => seen.TrySetResult(local.Value), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        Assert.Equal("room-1", await seen.Task.WaitAsync(Patience));

        var unseen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        ITimer suppressed;
        using (ExecutionContext.SuppressFlow())
        {
            suppressed = _clock.CreateTimer(_ => unseen.TrySetResult(local.Value), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        using (suppressed)
        {
            Assert.Null(await unseen.Task.WaitAsync(Patience));
        }
    }

    [Fact]
    public async Task A_due_time_just_below_zero_is_now_as_for_a_Timer()
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = _clock.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromMilliseconds(-0.5), Timeout.InfiniteTimeSpan);

        await fired.Task.WaitAsync(Patience);
    }

    [Fact]
    public void Times_are_checked_as_a_Timer_checks_them()
    {
        Assert.Throws<ArgumentNullException>(() => _clock.CreateTimer(null!, null, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(-2), TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.FromDays(50), TimeSpan.Zero));
        using var timer = _clock.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Change(TimeSpan.FromMilliseconds(-5), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Its_clock_is_the_system_clock()
    {
        var before = Stopwatch.GetTimestamp();
        var stamp = _clock.GetTimestamp();
        Assert.InRange(stamp, before, Stopwatch.GetTimestamp());
        Assert.Equal(Stopwatch.Frequency, _clock.TimestampFrequency);
        Assert.InRange(_clock.GetUtcNow(), DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public void A_disposed_provider_creates_no_timers()
    {
        var clock = new PreciseTimeProvider();
        clock.Dispose();
        Assert.Throws<ObjectDisposedException>(() => clock.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.Zero));
    }

    [Fact]
    public void Grain_timers_run_on_it_in_a_silo_on_the_system_clock()
    {
        using var services = new ServiceCollection().AddGameGrains().BuildServiceProvider();

        Assert.IsType<PreciseTimeProvider>(services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Grains));
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Grain_timers_follow_a_test_clock_when_one_is_registered()
    {
        var fake = new FakeTimeProvider();
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(fake).AddGameGrains().BuildServiceProvider();

        Assert.Same(fake, services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Grains));
    }
}
