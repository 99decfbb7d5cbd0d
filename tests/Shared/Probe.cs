using System.Collections.Concurrent;

namespace Game.Tests.Shared;

/// <summary>Test support shared by the runtime and networking tests (linked into both, not copied). Shared by test grains (on every silo) and tests: records events and lets a test wait for a condition with a deadline.</summary>
public sealed class Probe
{
    private readonly Lock _lock = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new();

    public TaskCompletionSource Gate(string name) => Gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public bool Has(string e) => Events.Contains(e);

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

/// <summary>Waits with a deadline and a message saying what did not happen.</summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>
    /// For a condition nothing signals (a cache entry, a directory row): checks it every 5 ms until it holds, failing
    /// with <paramref name="what"/> after <paramref name="deadline"/>.
    /// </summary>
    public static async Task Until(Func<bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"Within {deadline.TotalSeconds} s: {what} did not happen.");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// For a condition that takes a call to check (a grain's answer): checks it every 5 ms until it holds, failing with
    /// <paramref name="what"/> after <paramref name="deadline"/>.
    /// </summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"Within {deadline.TotalSeconds} s: {what} did not happen.");
            await Task.Delay(5);
        }
    }

    public static async Task<T> Within<T>(Task<T> task, TimeSpan deadline, string what)
    {
        try
        {
            return await task.WaitAsync(deadline);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException($"Within {deadline.TotalSeconds} s: {what} did not happen.");
        }
    }

    public static async Task Within(Task task, TimeSpan deadline, string what)
    {
        try
        {
            await task.WaitAsync(deadline);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException($"Within {deadline.TotalSeconds} s: {what} did not happen.");
        }
    }

    /// <summary>Awaits <paramref name="call"/> expecting <typeparamref name="TException"/> within the deadline.</summary>
    public static async Task<TException> Throws<TException>(Func<Task> call, TimeSpan deadline, string what) where TException : Exception
    {
        var task = call();
        await Within(task.ContinueWith(_ => { }, TaskScheduler.Default), deadline, what);
        return await Assert.ThrowsAsync<TException>(() => task);
    }
}
