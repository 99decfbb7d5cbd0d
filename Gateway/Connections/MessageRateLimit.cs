using Game.Grains.Limits;

namespace Game.Gateway.Connections;

/// <summary>
/// One connection's limit on one type of message (shared protocol.md v1.1: 60 <c>input</c>, 5 <c>chat</c>, 60
/// <c>relay</c>, 30 <c>draw</c> per second; the excess dropped, told with <c>rate_limited</c> at most once a second):
/// a one-second <see cref="TimeProviderSlidingWindow"/> in <see cref="SegmentsPerSecond"/> segments, and the pace of the
/// notices (<see cref="GatewayOptions.MaxInputsPerSecond"/>, <see cref="GatewayOptions.RateLimitNoticeInterval"/>).
/// </summary>
/// <remarks>
/// Dropped messages take no permit. An accepted message's permit comes back 0.9–1 s after it (with its 100 ms segment),
/// so a steady rate at the limit is never dropped. The notices are paced by their own time, exactly: a second window
/// would let one through up to a segment early. Not thread-safe (the receive loop's).
/// </remarks>
internal sealed class MessageRateLimit
{
    /// <summary>Segments of the one-second window: permits come back in 100 ms steps.</summary>
    internal const int SegmentsPerSecond = 10;

    private readonly TimeProvider _time;
    private readonly TimeSpan _noticeInterval;
    private readonly TimeProviderSlidingWindow _accepted;
    private long? _lastNotice;

    /// <param name="time">The clock.</param>
    /// <param name="perSecond">Messages accepted per sliding second.</param>
    /// <param name="noticeInterval">Least time between two <c>rate_limited</c> notices; zero: every drop is told.</param>
    public MessageRateLimit(TimeProvider time, int perSecond, TimeSpan noticeInterval)
    {
        _time = time;
        _noticeInterval = noticeInterval;
        _accepted = new TimeProviderSlidingWindow(time, perSecond, TimeSpan.FromSeconds(1), SegmentsPerSecond);
    }

    /// <summary>Takes one message; false when it is over the limit and must be dropped.</summary>
    public bool TryAccept() => _accepted.TryAcquire();

    /// <summary>Whether to tell the client about a dropped message now: true at most once per notice interval.</summary>
    public bool ShouldNotify()
    {
        var now = _time.GetTimestamp();
        if (_lastNotice is { } last && _time.GetElapsedTime(last, now) < _noticeInterval) return false;
        _lastNotice = now;
        return true;
    }
}
