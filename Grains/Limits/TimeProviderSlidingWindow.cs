using System.Threading.RateLimiting;

namespace Game.Grains.Limits;

/// <summary>
/// At most <see cref="PermitLimit"/> permits in a sliding <see cref="Window"/> on an injected <see cref="TimeProvider"/>:
/// a <see cref="SlidingWindowRateLimiter"/> whose window this type slides, one segment per <see cref="Segment"/> of the
/// clock. The limits of shared protocol.md v1.1 use it: messages per connection per second (<c>input</c> 60,
/// <c>chat</c> 5, <c>relay</c> 60, <c>draw</c> 30) and wrong passwords (5 per connection and 20 per room per minute).
/// </summary>
/// <remarks>
/// <para>Why the limiter is driven from here: the BCL limiters read <c>Stopwatch</c>, never a <see cref="TimeProvider"/>
/// (dotnet/runtime#106447), and even with <see cref="SlidingWindowRateLimiterOptions.AutoReplenishment"/> off,
/// <see cref="SlidingWindowRateLimiter.TryReplenish"/> slides the window only when its replenishment period
/// (window / segments) of real time has passed since the last slide (.NET 10.0.12), so neither a fake clock nor a
/// catch-up of several segments at once could drive it. So the limiter gets a window of one tick: its period is zero
/// ticks, each <see cref="SlidingWindowRateLimiter.TryReplenish"/> slides one segment, and this type alone decides when:
/// before each use, once per <see cref="Segment"/> elapsed since the last slide, at most <see cref="SegmentsPerWindow"/>
/// times (the whole window). <c>TimeProviderSlidingWindowTests</c> (Grains.Tests) pins that BCL behaviour.</para>
/// <para>A permit comes back when the segment it was taken in leaves the window: between <see cref="Window"/> −
/// <see cref="Segment"/> and <see cref="Window"/> after it was taken. So a steady <see cref="PermitLimit"/> per
/// <see cref="Window"/> is never refused, and no span shorter than <see cref="Window"/> − <see cref="Segment"/> holds
/// more than <see cref="PermitLimit"/>.</para>
/// <para>No allocation per use (the limiter answers with cached leases, disposed here). Not thread-safe: one
/// connection's receive loop, or one grain's turns. Nothing to dispose: the limiter has no timer and no queue.</para>
/// </remarks>
public sealed class TimeProviderSlidingWindow
{
    private readonly TimeProvider _time;
    private readonly SlidingWindowRateLimiter _limiter;
    private readonly long _start; // the clock's timestamp when made: segment n starts n segments later
    private long _segment;        // the number of the segment the limiter is in

    /// <param name="time">The clock.</param>
    /// <param name="permitLimit">Permits per <paramref name="window"/>, at least 1.</param>
    /// <param name="window">The window's length, a whole number of segments.</param>
    /// <param name="segmentsPerWindow">Segments the window slides by, at least 2: a permit comes back up to one segment early.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is too small, or <paramref name="window"/> is not a positive whole number of segments.</exception>
    public TimeProviderSlidingWindow(TimeProvider time, int permitLimit, TimeSpan window, int segmentsPerWindow)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentsPerWindow, 2);
        if (window <= TimeSpan.Zero || window.Ticks % segmentsPerWindow != 0)
            throw new ArgumentOutOfRangeException(nameof(window), window, $"must be a positive whole number of {segmentsPerWindow} segments");
        _time = time;
        _start = time.GetTimestamp();
        PermitLimit = permitLimit;
        Window = window;
        SegmentsPerWindow = segmentsPerWindow;
        Segment = window / segmentsPerWindow;
        _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            SegmentsPerWindow = segmentsPerWindow,
            Window = TimeSpan.FromTicks(1), // a replenishment period of 0 ticks: the window slides on every TryReplenish (remarks)
            AutoReplenishment = false,
            QueueLimit = 0,
        });
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
            using var lease = _limiter.AttemptAcquire(0);
            return !lease.IsAcquired;
        }
    }

    /// <summary>Takes one permit unless the window holds <see cref="PermitLimit"/> already.</summary>
    /// <returns>False when none is left (then none is taken).</returns>
    public bool TryAcquire()
    {
        Slide();
        using var lease = _limiter.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    /// <summary>Slides the limiter's window by the segments the clock has passed since the last slide, at most a whole window.</summary>
    private void Slide()
    {
        var now = _time.GetElapsedTime(_start).Ticks / Segment.Ticks;
        var behind = now - _segment;
        if (behind <= 0) return;
        _segment = now;
        for (var i = Math.Min(behind, SegmentsPerWindow); i > 0; i--) _limiter.TryReplenish();
    }
}
