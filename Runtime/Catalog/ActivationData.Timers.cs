using Game.Runtime.Timers;

namespace Game.Runtime.Catalog;

internal sealed partial class ActivationData
{
    private readonly List<GrainTimer> _timers = [];

    public IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        var timer = new GrainTimer<TState>(this, _catalog.Timers, callback, state, options);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
                throw new InvalidOperationException($"{GrainId} is deactivating; it cannot register timers.");
            _timers.Add(timer);
        }
        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock) _timers.Remove(timer);
    }

    private void StopTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }
        foreach (var timer in timers) timer.Dispose();
    }
}
