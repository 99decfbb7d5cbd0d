namespace Game.Clustering.Tests;

/// <summary>Waits with deadlines that fail the test with a message saying what did not happen.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static async Task<T> Within<T>(Task<T> task, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Deadline;
        try
        {
            return await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Within {limit.TotalSeconds:F0} s: {what} did not happen.");
            throw;
        }
    }

    public static async Task Within(Task task, string what, TimeSpan? deadline = null)
        => await Within(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), what, deadline);
}
