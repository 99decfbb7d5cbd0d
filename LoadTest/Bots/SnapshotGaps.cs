namespace Game.LoadTest;

/// <summary>
/// One bot's bookkeeping of the pauses a player would see and of lost acknowledgements: the longest gap between two
/// consecutive <c>map</c>s inside the measurement window, and how often the bot's own ack went backwards.
/// </summary>
/// <remarks>
/// <para>Gaps: every <c>map</c> received while the window is open ends a gap that started at the previous <c>map</c>
/// of the window, or at the window's start for the window's first <c>map</c>. When the window closes while the bot
/// still plays, the time since its last <c>map</c> (or since the window's start) counts as a gap too, so a room that
/// never resumes shows as long a pause as the rest of the window. Timestamps are <see cref="TimeProvider.GetTimestamp"/>
/// values of the run's clock.</para>
/// <para>Ack regressions: a <c>map</c> whose ack for the bot is lower than the previous <c>map</c>'s means the server
/// lost inputs it had acknowledged. A <c>joined</c> starts afresh (a new seat acks from 0); a <c>map</c> without the
/// bot's entry (ack -1) is not compared.</para>
/// <para>Threads: <see cref="OnMap"/> and <see cref="OnJoined"/> are called by the bot's receive loop only; the
/// results may be read from any thread.</para>
/// </remarks>
internal sealed class SnapshotGaps
{
    private long _lastMapAt;       // timestamp of the window's latest map; 0 before the first one
    private long _longestGap = -1; // timestamp ticks; -1 while no map arrived in the window
    private long _previousAck = -1;
    private long _ackRegressions;

    /// <summary>Times the bot's ack went lower than the previous <c>map</c>'s (since its last <c>joined</c>).</summary>
    public long AckRegressions => Volatile.Read(ref _ackRegressions);

    /// <summary>A <c>joined</c> arrived: acks start afresh.</summary>
    public void OnJoined() => _previousAck = -1;

    /// <summary>Records one <c>map</c>.</summary>
    /// <param name="ack">The bot's ack in it, or -1 when it has no entry for the bot.</param>
    /// <param name="now">When it arrived (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="windowStart">When the measurement window opened, or 0 when the window is not open (the map is not a gap's end).</param>
    public void OnMap(long ack, long now, long windowStart)
    {
        if (ack >= 0)
        {
            if (ack < _previousAck)
            {
                Volatile.Write(ref _ackRegressions, _ackRegressions + 1);
            }
            _previousAck = ack;
        }
        if (windowStart == 0)
        {
            return;
        }
        var gap = now - Math.Max(_lastMapAt, windowStart);
        Volatile.Write(ref _lastMapAt, now);
        if (gap > _longestGap)
        {
            Volatile.Write(ref _longestGap, gap);
        }
    }

    /// <summary>The longest gap in the window, ms; null when there was none to measure.</summary>
    /// <param name="time">The run's clock (for its timestamp frequency).</param>
    /// <param name="windowStart">When the window opened; 0 if it never did (then null).</param>
    /// <param name="windowEnd">When it closed, to count the open gap at its end; 0 to count only gaps between <c>map</c>s
    /// (a bot no longer playing when the window closed).</param>
    /// <returns>The gap in ms, or null when the window never opened, or the bot received no <c>map</c> in it and
    /// <paramref name="windowEnd"/> is 0.</returns>
    public double? LongestGapMs(TimeProvider time, long windowStart, long windowEnd)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (windowStart == 0)
        {
            return null;
        }
        var longest = Volatile.Read(ref _longestGap);
        if (windowEnd != 0)
        {
            var open = windowEnd - Math.Max(Volatile.Read(ref _lastMapAt), windowStart);
            longest = Math.Max(longest, Math.Max(0, open));
        }
        return longest < 0 ? null : longest * 1000.0 / time.TimestampFrequency;
    }
}
