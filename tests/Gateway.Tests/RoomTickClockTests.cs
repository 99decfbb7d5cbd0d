using System.Diagnostics;
using Game.Gateway.Connections.Epoll;
using Game.Gateway.Feeds;

namespace Game.Gateway.Tests;

public sealed class RoomTickClockTests
{
    private static readonly long Period = Stopwatch.Frequency / 20; // 20 Hz: 50 ms
    private static readonly long Lead = Ms(6);
    private static readonly long T0 = 1_000 * Stopwatch.Frequency;
    private static long Ms(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    private static RoomTickClock Ticking()
    {
        var clock = new RoomTickClock(TimeSpan.FromMilliseconds(6));
        clock.SetTickRate(20);
        return clock;
    }

    [Fact]
    public void Nothing_is_held_until_four_arrivals_then_until_the_lead_before_the_earliest_projection_of_the_next_tick()
    {
        var clock = Ticking();
        // Ticks 1–6 arrive late by 3, 1, 4, 2, 5 and 3 ms: the tick itself is due on the whole periods from T0.
        double[] late = [3, 1, 4, 2, 5, 3];
        for (var tick = 1; tick <= 3; tick++)
        {
            clock.OnSnapshot(T0 + tick * Period + Ms(late[tick - 1]), tick);
            Assert.Equal(0, clock.HoldUntil);
        }
        clock.OnSnapshot(T0 + 4 * Period + Ms(late[3]), 4);
        Assert.Equal(T0 + 5 * Period + Ms(1) - Lead, clock.HoldUntil); // the earliest (tick 2's, 1 ms late)
        clock.OnSnapshot(T0 + 5 * Period + Ms(late[4]), 5);
        clock.OnSnapshot(T0 + 6 * Period + Ms(late[5]), 6);
        Assert.Equal(T0 + 7 * Period + Ms(1) - Lead, clock.HoldUntil); // a later arrival does not move it later

        clock.OnSnapshot(T0 + 7 * Period, 7); // a timer that fired on time: earlier still
        Assert.Equal(T0 + 8 * Period - Lead, clock.HoldUntil);
    }

    /// <summary>A clock that has seen ticks 1–5 arrive on time, and so holds.</summary>
    private static RoomTickClock OnScheduleForFiveTicks()
    {
        var clock = Ticking();
        for (var tick = 1; tick <= 5; tick++) clock.OnSnapshot(T0 + tick * Period, tick);
        Assert.Equal(T0 + 6 * Period - Lead, clock.HoldUntil);
        return clock;
    }

    [Fact]
    public void A_schedule_that_moves_by_more_than_a_quarter_period_starts_the_estimate_over()
    {
        var clock = OnScheduleForFiveTicks();

        // The room moved to another silo and ticks 20 ms earlier in its period now.
        var moved = T0 - Ms(20);
        clock.OnSnapshot(moved + 6 * Period, 6);
        Assert.Equal(0, clock.HoldUntil);
        for (var tick = 7; tick <= 8; tick++) clock.OnSnapshot(moved + tick * Period, tick);
        Assert.Equal(0, clock.HoldUntil);
        clock.OnSnapshot(moved + 9 * Period, 9);
        Assert.Equal(moved + 10 * Period - Lead, clock.HoldUntil);
    }

    [Fact]
    public void A_tick_number_that_goes_back_starts_the_estimate_over()
    {
        var clock = OnScheduleForFiveTicks();
        clock.OnSnapshot(T0 + 6 * Period, 1); // the room started again from its checkpoint
        Assert.Equal(0, clock.HoldUntil);
    }

    [Fact]
    public void Snapshots_without_a_tick_number_count_as_consecutive_ticks()
    {
        var clock = new RoomTickClock(TimeSpan.FromMilliseconds(6));
        clock.SetTickRate(30);
        var period = Stopwatch.Frequency / 30;
        for (var i = 1; i <= 4; i++) clock.OnSnapshot(T0 + i * period, tick: null);
        Assert.Equal(T0 + 5 * period - Lead, clock.HoldUntil);
    }

    [Fact]
    public void A_room_that_does_not_tick_or_no_lead_holds_nothing()
    {
        var eventDriven = new RoomTickClock(TimeSpan.FromMilliseconds(6));
        eventDriven.SetTickRate(0);
        var noLead = new RoomTickClock(TimeSpan.Zero);
        noLead.SetTickRate(20);
        var unknown = new RoomTickClock(TimeSpan.FromMilliseconds(6)); // no join has told the rate yet
        for (var tick = 1; tick <= 8; tick++)
        {
            foreach (var clock in new[] { eventDriven, noLead, unknown }) clock.OnSnapshot(T0 + tick * Period, tick);
        }
        Assert.Equal(0, eventDriven.HoldUntil);
        Assert.Equal(0, noLead.HoldUntil);
        Assert.Equal(0, unknown.HoldUntil);
    }

    [Fact]
    public void The_epoll_loops_wait_ends_at_its_observers_due_time_never_before_and_at_most_a_sweep_interval_away()
    {
        Assert.Equal(1_000, EpollLoop.WaitTimeoutMs(due: 0, now: T0));
        Assert.Equal(0, EpollLoop.WaitTimeoutMs(T0, T0));
        Assert.Equal(0, EpollLoop.WaitTimeoutMs(T0 - Ms(3), T0));
        Assert.Equal(3, EpollLoop.WaitTimeoutMs(T0 + Ms(2.3), T0)); // rounded up
        Assert.Equal(2, EpollLoop.WaitTimeoutMs(T0 + Ms(2), T0));
        Assert.Equal(1_000, EpollLoop.WaitTimeoutMs(T0 + Ms(5_000), T0));
    }
}
