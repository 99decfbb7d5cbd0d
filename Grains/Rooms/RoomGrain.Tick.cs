using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Orleans;
using Orleans.Runtime;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    /// <summary>How far behind its schedule a room still catches up rather than starting a new schedule. <value>1 second.</value></summary>
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromSeconds(1);

    private IGrainTimer? _tickTimer;
    private IGrainTimer? _checkpointTimer;
    private long _lastTickMs;

    // The tick schedule: tick n (counted from the anchor) is due at _anchorTimestamp + n × period. Orleans counts a
    // timer's period from the end of the previous callback, which would drift by the tick's own duration (≈ 1,150
    // instead of 1,200 ticks a minute at 20 Hz); each tick therefore sets the next due time from this schedule.
    private long _anchorTimestamp;
    private long _ticksSinceAnchor;
    private int _tickSlot = -1; // the slot of the tick grid this room is counted in (TickSlots), -1 for none

    private TimeSpan Period => TimeSpan.FromTicks(TimeSpan.TicksPerSecond / _kind!.TickHz!.Value);

    /// <summary><see cref="Period"/> in the units of <see cref="TimeProvider.GetTimestamp"/> (the tick grid's).</summary>
    private long PeriodTimestamp => Period.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;

    /// <summary>
    /// Starts the checkpoint timer (unless <see cref="ArenaOptions.PeriodicCheckpoints"/> is off and the kind ticks), and
    /// the tick timer for a kind that ticks; both keep the activation alive. A new room's schedule goes into a slot of the
    /// tick grid that <see cref="TickSlots"/> picks; a <paramref name="resumed"/> one keeps its own.
    /// </summary>
    private void StartTimers(bool resumed)
    {
        if (options.Value.PeriodicCheckpoints || _kind?.TickHz is null)
        {
            _checkpointTimer ??= this.RegisterGrainTimer(static (room, _) => room.CheckpointIfDirtyAsync(), this,
                new GrainTimerCreationOptions(options.Value.CheckpointInterval, options.Value.CheckpointInterval) { KeepAlive = true });
        }
        if (_tickTimer is not null || _kind?.TickHz is null) return;
        // A room that ticked before (it moved here live, or resumes from storage) keeps its schedule: its next tick is
        // due a period after its last one, which after a move is usually now. A new room ticks a period from now.
        var period = Period;
        var first = period;
        if (_lastTickMs > 0)
        {
            var sinceLast = TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - _lastTickMs);
            first = sinceLast >= period ? TimeSpan.Zero : sinceLast <= TimeSpan.Zero ? period : period - sinceLast;
        }
        _anchorTimestamp = time.GetTimestamp() + (long)((first - period).TotalSeconds * time.TimestampFrequency);
        _ticksSinceAnchor = 0;
        first += OntoTickGrid(pickSlot: !resumed);
        // A turn per tick (never overlapping calls or each other).
        _tickTimer = this.RegisterGrainTimer(static (room, ct) => room.TickAsync(ct), this,
            new GrainTimerCreationOptions(first, period) { KeepAlive = true });
    }

    /// <summary>
    /// Moves the schedule's anchor later, so that its ticks fall on the tick grid (<see cref="ArenaOptions.TickPhases"/>),
    /// and returns by how much, zero without a grid. With <paramref name="pickSlot"/> and
    /// <see cref="ArenaOptions.TickSlotRooms"/> set, into the slot <see cref="TickSlots"/> picks (less than a period
    /// later); a room already counted in a slot stays in it (less than a period); any other onto the grid's next point (less
    /// than one slot), counted in that point's slot.
    /// </summary>
    private TimeSpan OntoTickGrid(bool pickSlot)
    {
        var phases = options.Value.TickPhases;
        if (phases == 0) return TimeSpan.Zero;
        var period = PeriodTimestamp;
        var due = _anchorTimestamp + period;
        long delay;
        if (_tickSlot >= 0)
        {
            delay = TickGrid.DelayToSlot(due, period, phases, _tickSlot);
        }
        else if (pickSlot && options.Value.TickSlotRooms > 0)
        {
            _tickSlot = tickSlots.Take(period, phases, options.Value.TickSlotRooms);
            delay = TickGrid.DelayToSlot(due, period, phases, _tickSlot);
        }
        else
        {
            delay = TickGrid.Delay(due, period, phases);
            _tickSlot = TickGrid.SlotOf(due + delay, period, phases);
            tickSlots.Add(period, phases, _tickSlot);
        }
        _anchorTimestamp += delay;
        return TimeSpan.FromSeconds((double)delay / time.TimestampFrequency);
    }

    private void StopTimers()
    {
        if (_tickSlot >= 0)
        {
            tickSlots.Release(PeriodTimestamp, _tickSlot);
            _tickSlot = -1;
        }
        _tickTimer?.Dispose();
        _tickTimer = null;
        _checkpointTimer?.Dispose();
        _checkpointTimer = null;
    }

    /// <summary>
    /// One tick: hand the rules each seat's newest input (pushed here by the gateways since the last tick,
    /// <see cref="IRoomGrain.Input"/>), let them step and publish, and set the timer for the next tick of the schedule.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var rules = _rules;
        if (rules is null || _seatOrder.Length == 0 || _stale) return;
        var started = time.GetTimestamp();
        var due = DueTimestamp(_ticksSinceAnchor + 1); // this tick's place in the schedule
        try
        {
            foreach (var seat in _seatOrder) rules.OnInput(seat.Id, seat.Input.Take());
            var output = Output();
            rules.OnTick(output.NowMs, output);
            _dirty = true;
            await PublishAsync(output);
        }
        finally
        {
            localRooms.RecordTick(time.GetElapsedTime(started), time.GetElapsedTime(due, started));
            ScheduleNextTick();
        }
    }

    /// <summary>
    /// Sets the timer for the next tick at its place in the schedule. A room that fell behind (its silo was busy) fires
    /// the late ticks back to back until it is on schedule again; one more than <see cref="MaxCatchUp"/> behind (its silo
    /// was frozen or starved for long) starts a new schedule instead of firing the missed ticks in a burst.
    /// </summary>
    private void ScheduleNextTick()
    {
        if (_tickTimer is not { } timer) return;
        var period = Period;
        _ticksSinceAnchor++;
        var due = time.GetElapsedTime(time.GetTimestamp(), DueTimestamp(_ticksSinceAnchor + 1));
        if (due < -MaxCatchUp)
        {
            _anchorTimestamp = time.GetTimestamp();
            _ticksSinceAnchor = 0;
            due = period + OntoTickGrid(pickSlot: false);
        }
        timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, period);
    }

    /// <summary>When tick <paramref name="n"/> of the schedule (counted from its anchor) is due, a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    private long DueTimestamp(long n) => _anchorTimestamp + n * PeriodTimestamp;

    /// <summary>A fresh output for one hook's events, at the server time now (which never goes backwards, even if the wall clock is stepped back).</summary>
    private RoomOutput Output() => new(RoomId, HostId, _lastTickMs = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastTickMs));

    /// <summary>Publishes a hook's events on the room's stream, in order.</summary>
    private async Task PublishAsync(RoomOutput output)
    {
        foreach (var e in output.Events) await Stream().OnNextAsync(e);
    }

    /// <summary>Collects what one hook sends; the grain publishes it after the hook returns (hooks never wait).</summary>
    private sealed class RoomOutput(string roomId, string? hostId, long nowMs) : IRoomOutput
    {
        public List<RoomEvent> Events { get; } = [];
        public string RoomId => roomId;
        public string? HostId => hostId;
        public long NowMs => nowMs;
        public void Publish(RoomEvent e) => Events.Add(e);
        public void SendTo(string playerId, RoomEvent e) => Events.Add(new DirectedEvent(e, To: playerId, Except: null));
        public void SendToOthers(string playerId, RoomEvent e) => Events.Add(new DirectedEvent(e, To: null, Except: playerId));
    }
}
