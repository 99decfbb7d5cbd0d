namespace Game.LoadTest;

/// <summary>
/// The chaos soak's bookkeeping from the players' side: each fault opens a window (until the next fault or the end) in
/// which every bot's longest gap between <c>map</c>s, its tick numbers, its acks and its disconnects are tracked.
/// </summary>
/// <remarks>
/// <para>Ticks (one ticking activation per room): a <c>map</c> whose tick number is not above the bot's previous one is
/// a duplicate when it comes in stride (less than 250 ms after the previous <c>map</c>: two activations ticking), and a
/// rewind when it comes after a pause (the room resumed, from its last checkpoint or where it stood). A rewind is allowed
/// once per bot and window when by at most one second's worth of ticks (a checkpoint is at most 1 s old); a longer one,
/// or a second one in the same window, is counted against the invariant. Maps without a tick number (binary encoding)
/// are not compared.</para>
/// <para>Threads: <see cref="OnMap"/> and <see cref="OnDisconnect"/> are called by each bot's receive loop for its own slot;
/// faults are begun and healed by the chaos loop; counters are interlocked.</para>
/// </remarks>
public sealed class ChaosLedger
{
    private readonly TimeProvider _time;
    private readonly int _tickRateHz;
    private readonly long _resumePause;
    private readonly long[] _lastTick;
    private readonly long[] _lastAck;
    private readonly long[] _lastMapAt;
    private readonly int[] _lost;
    private readonly List<Window> _windows = [];
    private readonly Lock _gate = new();
    private volatile Window? _current;

    /// <summary>Creates the ledger.</summary>
    /// <param name="bots">The run's bots (indexes 0 … bots − 1).</param>
    /// <param name="tickRateHz">The room kind's tick rate (20 for the arena): one second's worth of ticks.</param>
    /// <param name="time">The run's clock.</param>
    public ChaosLedger(int bots, int tickRateHz, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bots);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _tickRateHz = Math.Max(1, tickRateHz);
        _resumePause = time.TimestampFrequency / 4; // 250 ms: five arena ticks
        _lastTick = new long[bots];
        _lastAck = new long[bots];
        _lastMapAt = new long[bots];
        _lost = new int[bots];
        Array.Fill(_lastTick, -1);
        Array.Fill(_lastAck, -1);
    }

    /// <summary>A fault was injected: the previous window closes, a new one opens.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="now">When (<see cref="TimeProvider.GetTimestamp"/>).</param>
    public void BeginFault(ChaosFault fault, long now)
    {
        lock (_gate)
        {
            Close(now);
            var window = new Window(fault, now, _lastTick.Length);
            _windows.Add(window);
            _current = window;
        }
    }

    /// <summary>The current window ends (after the last fault healed and settled, or at the window's end).</summary>
    /// <param name="now">When.</param>
    public void Finish(long now)
    {
        lock (_gate)
        {
            Close(now);
        }
    }

    /// <summary>A probe's <c>hello</c> or <c>join</c> failed in the current window.</summary>
    /// <param name="hello">True for no <c>welcome</c>, false for no <c>joined</c>.</param>
    /// <param name="afterHeal">Whether the probe came after the fault healed and settled and failed on its retry too (the
    /// invariant requires it to work) rather than while the fault lasted (reported only).</param>
    public void OnProbeFailure(bool hello, bool afterHeal = false)
    {
        if (_current is { } w)
        {
            Interlocked.Increment(ref hello ? ref w.HelloFailures : ref w.JoinFailures);
            if (afterHeal)
            {
                Interlocked.Increment(ref w.FailuresAfterHeal);
            }
        }
    }

    /// <summary>A probe after the fault healed and settled failed its first attempt and is retried (the attempt counts as a
    /// <c>hello</c> or <c>join</c> failure, not against the invariant; a failed retry is then <see cref="OnProbeFailure"/>
    /// with <c>afterHeal</c>).</summary>
    /// <param name="hello">True for no <c>welcome</c>, false for no <c>joined</c>.</param>
    public void OnProbeRetry(bool hello)
    {
        if (_current is { } w)
        {
            Interlocked.Increment(ref hello ? ref w.HelloFailures : ref w.JoinFailures);
            Interlocked.Increment(ref w.RetriesAfterHeal);
        }
    }

    /// <summary>Records one <c>map</c> a bot received.</summary>
    /// <param name="bot">The bot's index.</param>
    /// <param name="tick">The map's tick number, or -1 when unknown.</param>
    /// <param name="ack">The bot's ack in it, or -1 when it has no entry for the bot.</param>
    /// <param name="now">When it arrived.</param>
    public void OnMap(int bot, long tick, long ack, long now)
    {
        var w = _current;
        if (tick >= 0)
        {
            var last = _lastTick[bot];
            if (last >= 0 && tick <= last && w is not null)
            {
                if (now - Volatile.Read(ref _lastMapAt[bot]) < _resumePause)
                {
                    // No pause: the room's maps went back in stride, so another activation is ticking too.
                    Interlocked.Increment(ref w.TickDuplicates);
                }
                else
                {
                    // After a pause: the room resumed (from its last checkpoint, or where it stood).
                    var rewinds = ++w.Rewinds[bot];
                    if (last - tick > _tickRateHz)
                    {
                        Interlocked.Increment(ref w.TickRewindsTooFar);
                    }
                    else if (rewinds > 1)
                    {
                        Interlocked.Increment(ref w.TickRewindsRepeated);
                    }
                }
            }
            _lastTick[bot] = tick;
        }
        if (ack >= 0)
        {
            if (ack < _lastAck[bot] && w is not null)
            {
                Interlocked.Increment(ref w.AckRegressions);
            }
            _lastAck[bot] = ack;
        }
        if (w is not null)
        {
            var gap = now - Math.Max(Volatile.Read(ref _lastMapAt[bot]), w.Start);
            if (gap > w.LongestGap[bot])
            {
                w.LongestGap[bot] = gap;
            }
        }
        Volatile.Write(ref _lastMapAt[bot], now);
    }

    /// <summary>A seated bot's connection was lost (the load bots do not reconnect: the seat is lost).</summary>
    /// <param name="bot">The bot's index.</param>
    public void OnDisconnect(int bot)
    {
        if (Interlocked.Exchange(ref _lost[bot], 1) == 0 && _current is { } w)
        {
            Interlocked.Increment(ref w.Disconnects);
        }
    }

    /// <summary>Whether the bot lost its seat.</summary>
    /// <param name="bot">The bot's index.</param>
    /// <returns>True after <see cref="OnDisconnect"/>.</returns>
    public bool IsLost(int bot) => Volatile.Read(ref _lost[bot]) != 0;

    /// <summary>The figures per kind of fault, in <paramref name="order"/>.</summary>
    /// <param name="order">The kinds in report order; kinds without a window are left out.</param>
    /// <returns>One summary per kind injected.</returns>
    public IReadOnlyList<ChaosFaultSummary> Summarize(IEnumerable<ChaosFault> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        Window[] windows;
        lock (_gate)
        {
            windows = [.. _windows];
        }
        var result = new List<ChaosFaultSummary>();
        foreach (var fault in order.Distinct())
        {
            var of = windows.Where(w => w.Fault == fault).ToArray();
            if (of.Length == 0)
            {
                continue;
            }
            var gaps = of.SelectMany(w => w.LongestGap).Where(g => g >= 0).Select(g => g * 1000.0 / _time.TimestampFrequency).Order().ToArray();
            result.Add(new ChaosFaultSummary(
                fault,
                of.Length,
                gaps.Length == 0 ? 0 : gaps[^1],
                gaps.Length == 0 ? 0 : gaps[Math.Clamp((int)Math.Ceiling(gaps.Length / 2.0) - 1, 0, gaps.Length - 1)],
                of.Sum(w => Interlocked.Read(ref w.Disconnects)),
                0,
                of.Sum(w => Interlocked.Read(ref w.HelloFailures)),
                of.Sum(w => Interlocked.Read(ref w.JoinFailures)),
                of.Sum(w => Interlocked.Read(ref w.TickDuplicates)),
                of.Sum(w => Interlocked.Read(ref w.TickRewindsTooFar)),
                of.Sum(w => Interlocked.Read(ref w.TickRewindsRepeated)),
                of.Sum(w => Interlocked.Read(ref w.AckRegressions)))
            {
                ProbeFailuresAfterHeal = of.Sum(w => Interlocked.Read(ref w.FailuresAfterHeal)),
                ProbeRetriesAfterHeal = of.Sum(w => Interlocked.Read(ref w.RetriesAfterHeal)),
            });
        }
        return result;
    }

    /// <summary>Closes the current window: a bot still seated that has received a map counts the open gap up to <paramref name="now"/>.</summary>
    private void Close(long now)
    {
        var w = _current;
        if (w is null)
        {
            return;
        }
        _current = null;
        for (var bot = 0; bot < w.LongestGap.Length; bot++)
        {
            var last = Volatile.Read(ref _lastMapAt[bot]);
            if (last == 0 || IsLost(bot))
            {
                continue;
            }
            var open = now - Math.Max(last, w.Start);
            if (open > w.LongestGap[bot])
            {
                w.LongestGap[bot] = open;
            }
        }
    }

    private sealed class Window(ChaosFault fault, long start, int bots)
    {
        public readonly ChaosFault Fault = fault;
        public readonly long Start = start;
        public readonly long[] LongestGap = NewGaps(bots);
        public readonly int[] Rewinds = new int[bots];
        public long TickDuplicates;
        public long TickRewindsTooFar;
        public long TickRewindsRepeated;
        public long AckRegressions;
        public long Disconnects;
        public long HelloFailures;
        public long JoinFailures;
        public long FailuresAfterHeal;
        public long RetriesAfterHeal;

        private static long[] NewGaps(int bots)
        {
            var gaps = new long[bots];
            Array.Fill(gaps, -1);
            return gaps;
        }
    }
}
