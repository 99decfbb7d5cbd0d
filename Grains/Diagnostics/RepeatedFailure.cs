namespace Game.Grains.Diagnostics;

/// <summary>
/// Paces the log line of a failure that may repeat many times a second (an input that cannot be read every tick during
/// an outage): the first occurrence is logged at once, later ones at most once per <see cref="Interval"/>, each line
/// with the number of occurrences it stands for. Not thread-safe: one instance per grain, used in its turns.
/// </summary>
internal sealed class RepeatedFailure
{
    /// <summary>Least time between two log lines. <value>10 seconds.</value></summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private long _count;
    private long _lastLogged;
    private bool _logged;

    /// <summary>Counts one occurrence; true when it is time to log, with <paramref name="count"/> the occurrences since the last line.</summary>
    public bool ShouldLog(TimeProvider time, out long count)
    {
        _count++;
        if (_logged && time.GetElapsedTime(_lastLogged) < Interval)
        {
            count = 0;
            return false;
        }
        count = _count;
        _count = 0;
        _logged = true;
        _lastLogged = time.GetTimestamp();
        return true;
    }
}
