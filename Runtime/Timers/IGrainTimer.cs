namespace Game.Runtime;

/// <summary>
/// A timer owned by one activation. Stands for Orleans's <c>IGrainTimer</c>.
/// </summary>
/// <remarks>
/// Tick rules:
/// <list type="bullet">
/// <item>Each tick is a turn of the activation, queued in its mailbox like a call; it never runs in
/// parallel with a call or another turn (unless <see cref="GrainTimerCreationOptions.Interleave"/>).</item>
/// <item>Ticks never overlap: while a tick is queued or running, a tick that falls due is held and runs
/// right after it (at most one is held), so a slow tick delays the next instead of stacking them.</item>
/// <item>Due times are computed on the monotonic clock as <c>start + n × period</c>, so ticks do not drift.</item>
/// <item>An exception thrown by the callback is logged and the next tick still runs.</item>
/// <item>Disposing stops the timer; a tick already running completes; none starts after.</item>
/// <item>All timers of a silo share one scheduler and one underlying OS timer.</item>
/// </list>
/// </remarks>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the due time and period; the next tick is <paramref name="dueTime"/> from now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative (except <see cref="Timeout.InfiniteTimeSpan"/> for the period: one tick only).</exception>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>How a grain timer ticks. Stands for Orleans's <c>GrainTimerCreationOptions</c>.</summary>
/// <param name="DueTime">Delay before the first tick; zero ticks as soon as possible.</param>
/// <param name="Period">Time between ticks; <see cref="Timeout.InfiniteTimeSpan"/> ticks once.</param>
public sealed record GrainTimerCreationOptions(TimeSpan DueTime, TimeSpan Period)
{
    /// <summary>Whether a tick may interleave with calls at awaits instead of queueing. <value>Default: false.</value></summary>
    public bool Interleave { get; init; }

    /// <summary>Whether ticks count as activity, keeping the activation from idle collection. <value>Default: false.</value></summary>
    public bool KeepAlive { get; init; }
}
