using System.Diagnostics;

namespace Game.Gateway.Feeds;

/// <summary>
/// When a ticking room's next tick is due, as this gateway sees it from the arrivals of the room's snapshots, and so
/// until when an input for the room may wait to go with the others of that tick in one grain call
/// (<see cref="HoldUntil"/>; docs/performance.md, issue 11, "Eleventh pass").
/// </summary>
/// <remarks>
/// <para>A room ticks on a fixed schedule (tick n at its anchor + n periods; <c>RoomGrain.Tick.cs</c>), and each tick's
/// snapshot reaches this gateway some time after the tick: its timer's lateness (under about a millisecond on the silo's
/// grain-timer clock, <c>PreciseTimeProvider</c>; 0–4 ms late, or a little early, on .NET's own timers, which count a
/// coarse clock), the turn, the stream delivery. Each arrival projected forward by whole periods to the next tick is
/// therefore no earlier than that tick, less the timer's earliness; the earliest projection over the last
/// <see cref="Window"/> arrivals is the estimate, and the lead (<see cref="GatewayOptions.InputBatchLead"/>) covers the
/// batch's way to the room and what the window has not seen.</para>
/// <para>Nothing is held when the estimate cannot be trusted: fewer than <see cref="MinSamples"/> arrivals since the last
/// reset, projections spread over more than a quarter period (a room that moved, restarted its schedule or was starved),
/// a tick number that went backwards, or a kind that does not tick. Inputs then go at the end of the epoll pass that read
/// them, as they did before.</para>
/// <para>Written by the feed's stream deliveries (one at a time); <see cref="HoldUntil"/> is read by the epoll loops'
/// threads without a lock.</para>
/// </remarks>
internal sealed class RoomTickClock
{
    /// <summary>Arrivals kept for the estimate.</summary>
    internal const int Window = 8;

    /// <summary>Arrivals needed since the last reset before inputs are held.</summary>
    internal const int MinSamples = 4;

    private readonly long _lead; // Stopwatch ticks
    private readonly long[] _arrivals = new long[Window];
    private readonly long[] _ticks = new long[Window];
    private int _count;
    private int _newest = -1;
    private long _period; // Stopwatch ticks; 0: the room does not tick (or its rate is not known yet). Set by joins.
    private long _periodUsed; // the period the kept arrivals were taken under (deliveries only)
    private long _holdUntil;

    /// <summary>Creates a clock that holds inputs until <paramref name="lead"/> before the estimated next tick.</summary>
    /// <param name="lead">How long before the estimated tick a held batch is sent; zero or less: nothing is ever held.</param>
    public RoomTickClock(TimeSpan lead) => _lead = lead > TimeSpan.Zero ? (long)(lead.TotalSeconds * Stopwatch.Frequency) : 0;

    /// <summary>
    /// Until when (a <see cref="Stopwatch.GetTimestamp"/> value) an input read now for this room may be held, to be sent
    /// with the room's other inputs for its next tick; 0, or a time already past: send it at the end of the pass.
    /// </summary>
    public long HoldUntil => Volatile.Read(ref _holdUntil);

    /// <summary>The room's tick rate (from its <c>joined</c>), Hz; 0 or less for a kind that does not tick.</summary>
    /// <remarks>Called by each join of a local player; the next delivery starts over if the rate changed.</remarks>
    public void SetTickRate(int hz) => Volatile.Write(ref _period, hz > 0 && _lead > 0 ? Stopwatch.Frequency / hz : 0);

    /// <summary>
    /// A snapshot of tick <paramref name="tick"/> arrived at <paramref name="arrival"/> (a Stopwatch timestamp): updates
    /// <see cref="HoldUntil"/>. <paramref name="tick"/> null (a kind's snapshot, which carries none): the tick after the
    /// previous one.
    /// </summary>
    public void OnSnapshot(long arrival, long? tick)
    {
        var period = Volatile.Read(ref _period);
        if (period == 0)
        {
            Volatile.Write(ref _holdUntil, 0);
            return;
        }
        if (period != _periodUsed) (_periodUsed, _count) = (period, 0);
        var number = tick ?? (_count > 0 ? _ticks[_newest] + 1 : 1);
        if (_count > 0 && number <= _ticks[_newest]) _count = 0; // the room started again: a new schedule
        _newest = (_newest + 1) % Window;
        _arrivals[_newest] = arrival;
        _ticks[_newest] = number;
        if (_count < Window) _count++;

        // Each kept arrival, moved forward by whole periods to the next tick; the earliest is the estimate.
        long earliest = long.MaxValue, latest = long.MinValue;
        for (var i = 0; i < _count; i++)
        {
            var slot = (_newest - i + Window) % Window;
            var projected = _arrivals[slot] + (number + 1 - _ticks[slot]) * period;
            earliest = Math.Min(earliest, projected);
            latest = Math.Max(latest, projected);
        }
        if (latest - earliest > period / 4)
        {
            // Not one schedule (the room moved, restarted its schedule, or was late by a lot): start over from this arrival.
            _arrivals[0] = arrival;
            _ticks[0] = number;
            _newest = 0;
            _count = 1;
        }
        var holdUntil = _count >= MinSamples ? earliest - _lead : 0;
        Volatile.Write(ref _holdUntil, holdUntil > arrival ? holdUntil : 0);
    }
}
