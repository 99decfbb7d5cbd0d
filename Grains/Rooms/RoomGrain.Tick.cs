using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Orleans;
using Orleans.Runtime;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    private IGrainTimer? _tickTimer;
    private long _lastTickMs;

    // The tick schedule: tick n (counted from _anchorTick) is due at _anchorTimestamp + n × period. Orleans counts a
    // timer's period from the end of the previous callback, which would drift by the tick's own duration (≈ 1,150
    // instead of 1,200 ticks a minute at 20 Hz); each tick therefore sets the next due time from this schedule.
    private long _anchorTimestamp;
    private long _anchorTick;

    /// <summary>How far behind its schedule a room still catches up rather than starting a new schedule. <value>1 second.</value></summary>
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromSeconds(1);

    private TimeSpan Period => TimeSpan.FromTicks(TimeSpan.TicksPerSecond / _rules.TickHz);

    /// <summary>Anchors the schedule so that the tick after <paramref name="tick"/> is due one period from now.</summary>
    private void ScheduleFrom(long tick)
    {
        _anchorTimestamp = time.GetTimestamp();
        _anchorTick = tick;
    }

    private void StartTicking()
    {
        if (_tickTimer is not null) return;
        ScheduleFrom(_simulation!.Tick);
        // A turn per tick (never overlapping calls or each other); KeepAlive: a room with players is never idle.
        _tickTimer = this.RegisterGrainTimer(static (room, ct) => room.TickAsync(ct), this,
            new GrainTimerCreationOptions(Period, Period) { KeepAlive = true });
    }

    private void StopTicking()
    {
        _tickTimer?.Dispose();
        _tickTimer = null;
    }

    /// <summary>
    /// One tick: apply each seated player's newest input, step the simulation, publish its events and the snapshot, and
    /// set the timer for the next tick of the schedule. Arena rules (tick order): shared protocol.md.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var simulation = _simulation;
        var seats = _seatOrder;
        if (simulation is null || seats.Length == 0 || _stale) return;
        var started = time.GetTimestamp();
        try
        {
            // Each seat's newest input, pushed here by its player grain since the last tick (IRoomGrain.Input).
            foreach (var seat in seats) simulation.SetInput(seat.Id, seat.Input.Take());
            simulation.Step();
            await PublishTickAsync(simulation);
            await CheckpointIfDueAsync();
        }
        finally
        {
            localRooms.RecordTick(time.GetElapsedTime(started));
            ScheduleNextTick(simulation.Tick);
        }
    }

    private async Task PublishTickAsync(ArenaSimulation simulation)
    {
        for (var i = 0; i < simulation.Events.Length; i++)
        {
            var e = simulation.Events[i];
            RoomEvent? roomEvent = e.Kind switch
            {
                ArenaEventKind.Attacked => new PlayerAttackedEvent(e.Target, e.By, e.Hp),
                ArenaEventKind.Killed => new PlayerKilledEvent(e.Target, e.By),
                _ => null, // a respawn shows in the snapshot (full hp, new position)
            };
            if (roomEvent is not null) await _stream.OnNextAsync(roomEvent);
        }

        var players = simulation.Players;
        var snapshot = ImmutableArray.CreateBuilder<PlayerSnapshot>(players.Length);
        foreach (ref readonly var p in players) snapshot.Add(p.ToSnapshot());
        // Server time never goes backwards in snapshots, even if the wall clock is stepped back.
        _lastTickMs = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastTickMs);
        await _stream.OnNextAsync(new RoomSnapshot(RoomId, _lastTickMs, simulation.Tick, snapshot.MoveToImmutable()));
    }

    /// <summary>
    /// Sets the timer for the tick after <paramref name="tick"/> at its place in the schedule. A room that fell behind
    /// (its silo was busy) fires the late ticks back to back until it is on schedule again; one more than
    /// <see cref="MaxCatchUp"/> behind (its silo was frozen or starved for long) starts a new schedule instead of
    /// firing the missed ticks in a burst.
    /// </summary>
    private void ScheduleNextTick(long tick)
    {
        if (_tickTimer is not { } timer) return;
        var period = Period;
        var due = TimeSpan.FromTicks(period.Ticks * (tick + 1 - _anchorTick)) - time.GetElapsedTime(_anchorTimestamp);
        if (due < -MaxCatchUp)
        {
            ScheduleFrom(tick);
            due = period;
        }
        timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, period);
    }
}
