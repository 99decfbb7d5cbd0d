namespace Game.Grains.Rooms;

/// <summary>
/// Counts wrong-password attempts in a sliding window and says when the limit is reached (shared protocol.md v1.1,
/// "Connections and operators": at most 5 wrong passwords per connection and 20 per room per minute; beyond that
/// <c>rate_limited</c>, even for the right password, until the minute has passed). Used by the room grain (20 per room)
/// and by the gateway's connections (5 per connection).
/// </summary>
/// <remarks>Keeps the times of the last <c>limit</c> wrong attempts in a ring. Not thread-safe (a grain turn, or one
/// connection's receive loop).</remarks>
public sealed class PasswordAttempts
{
    /// <summary>The window of the limits. <value>1 minute.</value></summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly long[] _wrong;
    private int _count;
    private int _next;

    /// <param name="time">The clock.</param>
    /// <param name="limit">Wrong attempts allowed per <see cref="Window"/>.</param>
    public PasswordAttempts(TimeProvider time, int limit)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _time = time;
        _wrong = new long[limit];
    }

    /// <summary>Wrong attempts allowed per <see cref="Window"/>.</summary>
    public int Limit => _wrong.Length;

    /// <summary>True while <see cref="Limit"/> wrong attempts lie within the last <see cref="Window"/>: any attempt is refused.</summary>
    public bool IsLimited
        => _count == _wrong.Length && _time.GetElapsedTime(_wrong[_next], _time.GetTimestamp()) < Window;

    /// <summary>Counts one wrong attempt.</summary>
    public void CountWrong()
    {
        _wrong[_next] = _time.GetTimestamp();
        _next = (_next + 1) % _wrong.Length;
        if (_count < _wrong.Length) _count++;
    }

    /// <summary>Forgets every attempt (the room ended).</summary>
    public void Reset() => (_count, _next) = (0, 0);
}
