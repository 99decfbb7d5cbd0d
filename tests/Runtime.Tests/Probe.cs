using System.Collections.Concurrent;

namespace Game.Runtime.Tests;

/// <summary>Shared between test grains and tests: records events and lets a test wait for a condition with a deadline.</summary>
public sealed class Probe
{
    private readonly Lock _lock = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new();

    public TaskCompletionSource Gate(string name) => Gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public int Count(string prefix) => Events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));

    public void Record(string e)
    {
        Events.Enqueue(e);
        List<TaskCompletionSource> done = [];
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Condition()) continue;
                done.Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var d in done) d.TrySetResult();
    }

    public Task WaitFor(Func<bool> condition, TimeSpan deadline, string what)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition()) return Task.CompletedTask;
            _waiters.Add((condition, tcs));
        }
        return Eventually.Within(tcs.Task, deadline, what);
    }
}
