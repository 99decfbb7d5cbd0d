namespace Game.Grains.Limits;

/// <summary>
/// Counts events in a sliding window and says when the window is full: the limits of shared protocol.md v1.1 — messages
/// per connection per second (<c>input</c> 60, <c>chat</c> 5, <c>relay</c> 60, <c>draw</c> 30) and wrong passwords
/// (5 per connection and 20 per room per minute; beyond that <c>rate_limited</c>, even for the right password, until
/// the oldest has left the window). Used by the gateway's connections and by the room grain.
/// </summary>
/// <remarks>
/// Keeps the times of the last <c>capacity</c> events in a ring, on an injected <see cref="TimeProvider"/> (tests use a
/// fake clock). Not thread-safe (a grain turn, or one connection's receive loop). Not the BCL's
/// <c>System.Threading.RateLimiting</c> limiters: those read <c>Stopwatch</c> even when replenished by hand, so no fake
/// clock can drive them.
/// </remarks>
public sealed class SlidingWindowCount
{
    private readonly TimeProvider _time;
    private readonly long[] _events;
    private int _count;
    private int _next;

    /// <param name="time">The clock.</param>
    /// <param name="capacity">Events allowed per <paramref name="window"/>, at least 1.</param>
    /// <param name="window">The window's length.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1.</exception>
    public SlidingWindowCount(TimeProvider time, int capacity, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _time = time;
        _events = new long[capacity];
        Window = window;
    }

    /// <summary>Events allowed per <see cref="Window"/>.</summary>
    public int Capacity => _events.Length;

    /// <summary>The window's length.</summary>
    public TimeSpan Window { get; }

    /// <summary>True while <see cref="Capacity"/> events lie within the last <see cref="Window"/>.</summary>
    public bool IsFull => _count == _events.Length && _time.GetElapsedTime(_events[_next], _time.GetTimestamp()) < Window;

    /// <summary>Counts one event now.</summary>
    public void Add()
    {
        _events[_next] = _time.GetTimestamp();
        _next = (_next + 1) % _events.Length;
        if (_count < _events.Length) _count++;
    }

    /// <summary>Counts one event unless the window is full.</summary>
    /// <returns>False when the window is full (the event is refused and not counted).</returns>
    public bool TryAdd()
    {
        if (IsFull) return false;
        Add();
        return true;
    }

    /// <summary>Forgets every event.</summary>
    public void Reset() => (_count, _next) = (0, 0);
}
