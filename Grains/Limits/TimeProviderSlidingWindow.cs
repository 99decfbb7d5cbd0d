namespace Game.Grains.Limits;

/// <summary>
/// At most <see cref="PermitLimit"/> permits in a sliding <see cref="Window"/> of <see cref="SegmentsPerWindow"/>
/// segments on an injected <see cref="TimeProvider"/>. The limits of shared protocol.md v1.1 use it: messages per
/// connection per second (<c>input</c> 60, <c>chat</c> 5, <c>relay</c> 60, <c>draw</c> 30) and wrong passwords (5 per
/// connection and 20 per room per minute).
/// </summary>
/// <remarks>
/// <para>A permit comes back when the segment it was taken in leaves the window: between <see cref="Window"/> −
/// <see cref="Segment"/> and <see cref="Window"/> after it was taken. So a steady <see cref="PermitLimit"/> per
/// <see cref="Window"/> is never refused, and no span shorter than <see cref="Window"/> − <see cref="Segment"/> holds
/// more than <see cref="PermitLimit"/>.</para>
/// <para>Our own: a ring of permits taken per segment and their sum, slid by whole segments of the clock's timestamps.
/// It had been the BCL's <c>SlidingWindowRateLimiter</c>, driven segment by segment from here because the BCL limiters
/// read <c>Stopwatch</c>, never a <see cref="TimeProvider"/> (dotnet/runtime#106447); but the gateway takes a permit for
/// every input it reads, and the limiter's lock and lease, with the clock read through <see cref="TimeSpan"/>s, were
/// 2.45 % of the gateway's samples in a profile at 800 players (docs/performance.md, issue 11, "Twelfth pass"). The
/// current segment's count is kept beside the ring and its end as a timestamp, so a permit within a segment is one clock
/// read and a compare: no division, and the ring is not touched until the segment ends (simpler; no change in CPU could
/// be measured: "Seventeenth pass").</para>
/// <para>No allocation per use. Not thread-safe: one connection's receive loop, or one grain's turns.</para>
/// </remarks>
public sealed class TimeProviderSlidingWindow
{
    private readonly TimeProvider _time;
    private readonly long _start;         // the clock's timestamp when made: segment n starts n segments later
    private readonly long _segmentLength; // a segment in the clock's timestamp units
    private readonly int[] _taken;        // permits taken in each earlier segment still in the window, a ring indexed by segment number
    private long _segment;                // the number of the segment the window ends in
    private long _segmentEnd;             // the clock's timestamp when that segment ends
    private int _current;                 // permits taken in that segment: kept here, and put in the ring when it ends
    private int _inWindow;                // _current and the sum of _taken

    /// <param name="time">The clock.</param>
    /// <param name="permitLimit">Permits per <paramref name="window"/>, at least 1.</param>
    /// <param name="window">The window's length, a whole number of segments.</param>
    /// <param name="segmentsPerWindow">Segments the window slides by, at least 2: a permit comes back up to one segment early.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is too small, or <paramref name="window"/> is not a positive
    /// whole number of segments, or a segment is shorter than one of the clock's timestamp units.</exception>
    public TimeProviderSlidingWindow(TimeProvider time, int permitLimit, TimeSpan window, int segmentsPerWindow)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentsPerWindow, 2);
        if (window <= TimeSpan.Zero || window.Ticks % segmentsPerWindow != 0)
            throw new ArgumentOutOfRangeException(nameof(window), window, $"must be a positive whole number of {segmentsPerWindow} segments");
        _time = time;
        PermitLimit = permitLimit;
        Window = window;
        SegmentsPerWindow = segmentsPerWindow;
        Segment = window / segmentsPerWindow;
        _segmentLength = (long)((Int128)Segment.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond);
        if (_segmentLength < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "a segment is shorter than the clock's resolution");
        _taken = new int[segmentsPerWindow];
        _start = time.GetTimestamp();
        _segmentEnd = _start + _segmentLength;
    }

    /// <summary>Permits per <see cref="Window"/>.</summary>
    public int PermitLimit { get; }

    /// <summary>The window's length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Segments in the <see cref="Window"/>.</summary>
    public int SegmentsPerWindow { get; }

    /// <summary>What the window slides by: <see cref="Window"/> / <see cref="SegmentsPerWindow"/>.</summary>
    public TimeSpan Segment { get; }

    /// <summary>True while all <see cref="PermitLimit"/> permits are taken within the window (takes none).</summary>
    public bool IsExhausted
    {
        get
        {
            Slide();
            return _inWindow >= PermitLimit;
        }
    }

    /// <summary>Takes one permit unless the window holds <see cref="PermitLimit"/> already.</summary>
    /// <returns>False when none is left (then none is taken).</returns>
    public bool TryAcquire()
    {
        Slide();
        if (_inWindow >= PermitLimit) return false;
        _current++;
        _inWindow++;
        return true;
    }

    /// <summary>
    /// Moves the window's end to the clock's segment: the permits of the segments it leaves come back. Within a segment
    /// it only reads the clock (the gateway takes a permit for every input it reads: no division, and the ring is not
    /// touched, until the segment ends).
    /// </summary>
    private void Slide()
    {
        var now = _time.GetTimestamp();
        if (now < _segmentEnd) return;
        var segment = (now - _start) / _segmentLength;
        _taken[(int)(_segment % SegmentsPerWindow)] = _current;
        _current = 0;
        if (segment - _segment >= SegmentsPerWindow)
        {
            Array.Clear(_taken);
            _inWindow = 0;
        }
        else
        {
            for (var next = _segment + 1; next <= segment; next++)
            {
                ref var taken = ref _taken[(int)(next % SegmentsPerWindow)];
                _inWindow -= taken;
                taken = 0;
            }
        }
        _segment = segment;
        _segmentEnd = _start + (segment + 1) * _segmentLength;
    }
}
