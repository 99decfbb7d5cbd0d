using Game.Runtime.Catalog;

namespace Game.Runtime.Timers;

/// <summary>
/// A grain timer: due times from the shared <see cref="TimerScheduler"/>, ticks queued as turns of the
/// owning activation. See <see cref="IGrainTimer"/> for the rules (no overlap, no drift, exceptions logged).
/// </summary>
internal abstract class GrainTimer : WorkItem, IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly TimerScheduler _scheduler;
    private readonly GrainTimerCreationOptions _options;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposedCts = new();
    private long _periodTicks;
    private int _generation;
    private bool _inFlight;
    private bool _pending;
    private bool _disposed;

    protected GrainTimer(ActivationData activation, TimerScheduler scheduler, GrainTimerCreationOptions options)
    {
        Validate(options.DueTime, options.Period);
        _activation = activation;
        _scheduler = scheduler;
        _options = options;
    }

    public override bool Interleave => _options.Interleave;

    public override bool CountsAsActivity => _options.KeepAlive;

    public void Start() => Change(_options.DueTime, _options.Period);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, period);
        int generation;
        long due;
        lock (_lock)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(IGrainTimer));
            generation = ++_generation;
            _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : ToTimestampTicks(period);
            due = _scheduler.Time.GetTimestamp() + ToTimestampTicks(dueTime);
        }
        _scheduler.Schedule(this, generation, due);
    }

    /// <summary>Called by the scheduler when a due time is reached: reschedule, then queue a tick unless one is in flight.</summary>
    public void OnDue(int generation, long due)
    {
        long next = 0;
        var enqueue = false;
        lock (_lock)
        {
            if (_disposed || generation != _generation) return;
            if (_periodTicks > 0)
            {
                next = due + _periodTicks;
                var now = _scheduler.Time.GetTimestamp();
                // More than one period behind (a long pause): skip ahead instead of bursting.
                if (next < now - _periodTicks) next = now;
            }
            if (_inFlight)
            {
                _pending = true;
            }
            else
            {
                _inFlight = enqueue = true;
            }
        }

        if (next != 0) _scheduler.Schedule(this, generation, next);
        if (enqueue && !_activation.TryEnqueue(this)) Dispose();
    }

    public override async Task ExecuteAsync(ActivationData activation)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (!_disposedCts.IsCancellationRequested) await InvokeCallback(_disposedCts.Token);
        }
        catch (Exception ex)
        {
            activation.Log.TimerTickFailed(ex, activation.GrainId);
        }

        _scheduler.Statistics.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        bool again;
        lock (_lock)
        {
            again = _pending && !_disposed;
            _pending = false;
            _inFlight = again;
        }
        if (again && !_activation.TryEnqueue(this)) Dispose();
    }

    protected abstract Task InvokeCallback(CancellationToken cancellationToken);

    public override void Reject(Exception reason) => Dispose();

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _generation++;
        }
        _disposedCts.Cancel();
        _activation.RemoveTimer(this);
    }

    public override string ToString() => "timer tick";

    private long ToTimestampTicks(TimeSpan span) => (long)(span.Ticks * (double)_scheduler.Time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private static void Validate(TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        if (period != Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
    }
}

/// <summary>A grain timer whose callback takes a state argument.</summary>
internal sealed class GrainTimer<TState>(ActivationData activation, TimerScheduler scheduler,
    Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    : GrainTimer(activation, scheduler, options)
{
    protected override Task InvokeCallback(CancellationToken cancellationToken) => callback(state, cancellationToken);
}
