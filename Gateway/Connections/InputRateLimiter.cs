using Game.Grains.Limits;

namespace Game.Gateway.Connections;

/// <summary>
/// Limits one connection's messages of one kind to a count per sliding one-second window (a <see cref="SlidingWindowCount"/>),
/// and paces the <c>rate_limited</c> notices (<see cref="GatewayOptions.MaxInputsPerSecond"/>, <see cref="GatewayOptions.RateLimitNoticeInterval"/>).
/// </summary>
/// <remarks>Dropped messages do not count. Not thread-safe (the receive loop's).</remarks>
internal sealed class InputRateLimiter
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _noticeInterval;
    private readonly SlidingWindowCount _accepted;
    private long? _lastNotice;

    public InputRateLimiter(TimeProvider time, int maxPerSecond, TimeSpan noticeInterval)
    {
        _time = time;
        _noticeInterval = noticeInterval;
        _accepted = new SlidingWindowCount(time, maxPerSecond, TimeSpan.FromSeconds(1));
    }

    /// <summary>Counts one message; false when it is over the limit and must be dropped.</summary>
    public bool TryAccept() => _accepted.TryAdd();

    /// <summary>Whether to tell the client about a dropped message now: true at most once per notice interval.</summary>
    public bool ShouldNotify()
    {
        var now = _time.GetTimestamp();
        if (_lastNotice is { } last && _time.GetElapsedTime(last, now) < _noticeInterval) return false;
        _lastNotice = now;
        return true;
    }
}
