namespace Game.Runtime.Timers;

/// <summary>
/// The silo-wide scheduler of grain timers: one priority queue of due times and one underlying timer
/// from the <see cref="TimeProvider"/>, re-armed for the earliest due time. Thousands of room ticks cost
/// one OS timer, not one each, and a test clock drives every grain timer.
/// </summary>
internal sealed class TimerScheduler : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly PriorityQueue<(GrainTimer Timer, int Generation), long> _queue = new();
    private readonly long _tolerance;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public TimerScheduler(TimeProvider time)
    {
        _time = time;
        // Entries due within 1 ms of now fire together: fewer wake-ups, no visible change at 20 Hz.
        _tolerance = time.TimestampFrequency / 1000;
        _timer = time.CreateTimer(static s => ((TimerScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider Time => _time;

    /// <summary>Durations of recent ticks of every timer on this silo.</summary>
    public TickStatistics Statistics { get; } = new();

    /// <summary>Queues <paramref name="timer"/> to fire at monotonic timestamp <paramref name="due"/>.</summary>
    public void Schedule(GrainTimer timer, int generation, long due)
    {
        lock (_lock)
        {
            if (_disposed) return;
            _queue.Enqueue((timer, generation), due);
            if (due < _armedFor) Arm(due);
        }
    }

    private void Arm(long due)
    {
        _armedFor = due;
        var delay = _time.GetElapsedTime(_time.GetTimestamp(), due);
        _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        List<(GrainTimer Timer, int Generation, long Due)>? due = null;
        lock (_lock)
        {
            if (_disposed) return;
            var now = _time.GetTimestamp();
            while (_queue.TryPeek(out var entry, out var at) && at <= now + _tolerance)
            {
                _queue.Dequeue();
                (due ??= []).Add((entry.Timer, entry.Generation, at));
            }
            _armedFor = long.MaxValue;
            if (_queue.TryPeek(out _, out var next)) Arm(next);
        }

        if (due is null) return;
        foreach (var (timer, generation, at) in due) timer.OnDue(generation, at);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _queue.Clear();
        }
        _timer.Dispose();
    }
}
