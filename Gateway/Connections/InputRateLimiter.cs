namespace Game.Gateway.Connections;

/// <summary>
/// Limits one connection's <c>input</c> messages to a count per sliding one-second window, and paces the
/// <c>rate_limited</c> notices (<see cref="GatewayOptions.MaxInputsPerSecond"/>, <see cref="GatewayOptions.RateLimitNoticeInterval"/>).
/// </summary>
/// <remarks>Keeps the times of the last N accepted inputs in a ring: an input is accepted when fewer than N were accepted in the last second. Dropped inputs do not count. Not thread-safe (the receive loop's).</remarks>
internal sealed class InputRateLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;
    private readonly TimeSpan _noticeInterval;
    private readonly long[] _accepted;
    private int _count;
    private int _next;
    private long? _lastNotice;

    public InputRateLimiter(TimeProvider time, int maxPerSecond, TimeSpan noticeInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerSecond, 1);
        _time = time;
        _noticeInterval = noticeInterval;
        _accepted = new long[maxPerSecond];
    }

    /// <summary>Counts one input; false when it is over the limit and must be dropped.</summary>
    public bool TryAccept()
    {
        var now = _time.GetTimestamp();
        if (_count == _accepted.Length && _time.GetElapsedTime(_accepted[_next], now) < Window) return false;
        _accepted[_next] = now;
        _next = (_next + 1) % _accepted.Length;
        if (_count < _accepted.Length) _count++;
        return true;
    }

    /// <summary>Whether to tell the client about a dropped input now: true at most once per notice interval.</summary>
    public bool ShouldNotify()
    {
        var now = _time.GetTimestamp();
        if (_lastNotice is { } last && _time.GetElapsedTime(last, now) < _noticeInterval) return false;
        _lastNotice = now;
        return true;
    }
}
