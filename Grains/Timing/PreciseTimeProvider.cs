using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Game.Grains.Timing;

/// <summary>
/// The system clock (<see cref="TimeProvider.System"/>'s <see cref="TimeProvider.GetUtcNow"/> and
/// <see cref="TimeProvider.GetTimestamp"/>) with timers that fire within about a millisecond of their due time. The silo
/// gives it to Orleans as the clock of grain timers (<c>TimeProviderNames.Grains</c>), so that a room's ticks keep their
/// schedule (docs/performance.md, issue 11, "Fifteenth pass").
/// </summary>
/// <remarks>
/// <para>Why: .NET's own timers decide what is due by <see cref="Environment.TickCount64"/>, which on Linux reads the
/// coarse clock (one step per kernel tick, 4 ms here). A timer due in 50 ms fires 0–4 ms late, so a room ticking at
/// 20 Hz had ticks 46–54 ms apart, and an input that just missed a tick waited up to 54 ms for the next.</para>
/// <para>How: one thread per provider holds every timer in a queue by due time (<see cref="Stopwatch"/> timestamps) and
/// waits for the earliest with a timed wait of whole milliseconds, rounded up (the wait itself ends on the precise
/// monotonic clock). It runs the callbacks of the timers due, one after another, on that thread: a callback must be
/// short and must not block. Orleans's grain timers only hand a message to their activation there. A callback that
/// throws ends the process, as one of a <see cref="Timer"/> does.</para>
/// <para>A periodic timer's next due time is its last due time plus its period, or a period from now if it fell that far
/// behind (no burst of missed calls). A timer is in the queue at most once: a change or disposal takes out its entry
/// (a search of the queue, only when it is still waiting there). Changes and disposal are thread-safe; as with
/// <see cref="Timer"/>, a callback may still run once after <see cref="ITimer.Change"/> or
/// <see cref="IDisposable.Dispose"/> if it was already due.</para>
/// </remarks>
public sealed class PreciseTimeProvider : TimeProvider, IDisposable
{
    /// <summary>The longest due time or period a timer takes, as for <see cref="Timer"/>: 4,294,967,294 ms.</summary>
    private const long MaxTimeoutMs = 0xfffffffe;

    private static readonly double TimestampsPerMs = Stopwatch.Frequency / 1000.0;

    private readonly object _gate = new();
    private readonly PriorityQueue<PreciseTimer, long> _queue = new();
    private readonly string _threadName;
    private Thread? _thread;
    private long _waitingUntil; // the due time the thread waits for (long.MaxValue: none); 0 while it is not waiting
    private bool _disposed;

    /// <summary>Creates a provider; its thread starts with the first timer.</summary>
    /// <param name="threadName">The name of the timers' thread (shows in profiles and debuggers).</param>
    public PreciseTimeProvider(string threadName = "Game timers") => _threadName = threadName;

    /// <summary>
    /// A timer that calls <paramref name="callback"/> with <paramref name="state"/> on this provider's thread, in the
    /// execution context captured here (none when its flow is suppressed, as Orleans's grain timers do).
    /// </summary>
    /// <param name="callback">Called when the timer is due; must be short and not block.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <param name="dueTime">Until the first call; <see cref="Timeout.InfiniteTimeSpan"/>: not started.</param>
    /// <param name="period">Between calls; <see cref="Timeout.InfiniteTimeSpan"/> or zero: one call.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A time is negative (other than infinite) or over 4,294,967,294 ms.</exception>
    /// <exception cref="ObjectDisposedException">The provider is disposed.</exception>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var timer = new PreciseTimer(this, callback, state, ExecutionContext.Capture());
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Stops the thread; timers no longer fire, and new ones cannot be created.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _queue.Clear();
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>
    /// Converts a due time or period to timestamps: -1 for infinite, 0 for less than a millisecond below zero (as
    /// <see cref="Timer"/> takes it: now); validated as <see cref="Timer"/> does.
    /// </summary>
    private static long ToTimestamps(TimeSpan time, string name)
    {
        var ms = (long)time.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(ms, -1, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ms, MaxTimeoutMs, name);
        if (time == Timeout.InfiniteTimeSpan) return -1;
        return time <= TimeSpan.Zero ? 0 : (long)(time.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
    }

    /// <summary>Timers waiting in the queue (for tests).</summary>
    internal int Queued
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    /// <summary>Queues <paramref name="timer"/> at <paramref name="dueAt"/>, waking the thread if it waits for a later time.</summary>
    private void Schedule(PreciseTimer timer, long dueAt)
    {
        // Called with _gate held, the timer not in the queue.
        _queue.Enqueue(timer, dueAt);
        if (_thread is null)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = _threadName, Priority = ThreadPriority.AboveNormal };
            _thread.UnsafeStart();
        }
        else if (_waitingUntil != 0 && dueAt < _waitingUntil)
        {
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        var due = new List<PreciseTimer>();
        while (true)
        {
            lock (_gate)
            {
                while (true)
                {
                    if (_disposed) return;
                    var now = Stopwatch.GetTimestamp();
                    var next = long.MaxValue;
                    while (_queue.TryPeek(out var timer, out var dueAt))
                    {
                        if (dueAt > now)
                        {
                            next = dueAt;
                            break;
                        }
                        _queue.Dequeue();
                        if (timer.Period > 0)
                        {
                            var again = dueAt + timer.Period;
                            timer.DueAt = again > now ? again : now + timer.Period;
                            _queue.Enqueue(timer, timer.DueAt);
                        }
                        else
                        {
                            timer.DueAt = -1;
                        }
                        due.Add(timer);
                    }
                    if (due.Count > 0) break;
                    _waitingUntil = next;
                    // Whole milliseconds, rounded up: the wait ends on the precise clock, at most 1 ms after the due time.
                    var waitMs = next == long.MaxValue ? Timeout.Infinite : (int)Math.Min(int.MaxValue - 1, Math.Ceiling((next - now) / TimestampsPerMs));
                    Monitor.Wait(_gate, waitMs);
                    _waitingUntil = 0;
                }
            }
            foreach (var timer in due) timer.Fire();
            due.Clear();
        }
    }

    /// <summary>Takes <paramref name="timer"/>'s entry out of the queue if it has one (with <see cref="_gate"/> held).</summary>
    private void Unschedule(PreciseTimer timer)
    {
        if (timer.DueAt < 0) return;
        _queue.Remove(timer, out _, out _, ReferenceEqualityComparer.Instance);
        timer.DueAt = -1;
    }

    /// <summary>One timer of a <see cref="PreciseTimeProvider"/>.</summary>
    private sealed class PreciseTimer(PreciseTimeProvider owner, TimerCallback callback, object? state, ExecutionContext? context) : ITimer
    {
        // Both guarded by owner._gate. DueAt: the Stopwatch timestamp this timer is queued at; -1 when not queued.
        public long DueAt = -1;
        public long Period;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var due = ToTimestamps(dueTime, nameof(dueTime));
            var every = ToTimestamps(period, nameof(period));
            lock (owner._gate)
            {
                if (_disposed || owner._disposed) return false;
                owner.Unschedule(this);
                Period = every > 0 ? every : 0;
                if (due < 0) return true;
                DueAt = Stopwatch.GetTimestamp() + due;
                owner.Schedule(this, DueAt);
            }
            return true;
        }

        public void Fire()
        {
            try
            {
                if (context is null) callback(state);
                else ExecutionContext.Run(context, static s => ((PreciseTimer)s!).Invoke(), this);
            }
            catch (Exception ex)
            {
                // As an exception escaping a Timer's callback: unhandled, on the thread pool, so it ends the process.
                var thrown = ExceptionDispatchInfo.Capture(ex);
                ThreadPool.UnsafeQueueUserWorkItem(static e => e.Throw(), thrown, preferLocal: false);
            }
        }

        private void Invoke() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                owner.Unschedule(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
