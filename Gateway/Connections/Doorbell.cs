using System.Threading.Tasks.Sources;

namespace Game.Gateway.Connections;

/// <summary>
/// A signal with one waiter: <see cref="Ring"/> from any thread, <see cref="WaitAsync"/> from one reader at a time.
/// Rings before a wait are remembered as one; a wait after a ring completes at once and takes it. The waiter's
/// continuation runs on the thread pool, never inline in <see cref="Ring"/>. It is the <see cref="OutgoingQueue"/>'s
/// doorbell: one per connection, about 80 bytes where a bounded <c>Channel&lt;bool&gt;</c> of one item held about 550
/// (docs/performance.md, "Third pass").
/// </summary>
internal sealed class Doorbell : IValueTaskSource
{
    private const int Idle = 0, Rung = 1, Waiting = 2;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Wakes the waiter, or, with none, makes the next <see cref="WaitAsync"/> complete at once. Never blocks.</summary>
    public void Ring()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Rung:
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Rung, Idle) == Idle:
                    return;
                case Waiting when Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting:
                    _core.SetResult(true);
                    return;
            }
        }
    }

    /// <summary>
    /// Completes when <see cref="Ring"/> is (or was, since the last wait) called. One reader only, and only after its
    /// previous wait completed: a second concurrent wait is a bug (<see cref="InvalidOperationException"/>).
    /// </summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Rung) == Rung) return ValueTask.CompletedTask;
        _core.Reset();
        var was = Interlocked.CompareExchange(ref _state, Waiting, Idle);
        if (was == Idle) return new ValueTask(this, _core.Version);
        if (was == Waiting) throw new InvalidOperationException("the doorbell already has a waiter");
        Volatile.Write(ref _state, Idle); // rung in between: take it
        return ValueTask.CompletedTask;
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
