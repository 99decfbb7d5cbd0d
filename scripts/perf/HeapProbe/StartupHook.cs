using System.Globalization;

/// <summary>
/// Startup hook (loaded with <c>DOTNET_STARTUP_HOOKS=…/Game.Perf.HeapProbe.dll</c>) that appends one JSON line of GC
/// figures per second to the file named by env <c>GAME_PERF_PROBE_OUT</c>. When a file <c>&lt;out&gt;.gc</c> appears,
/// it runs a full blocking, compacting collection first and marks that line <c>"full_gc":true</c>, so the heap size
/// on that line is the live data. Does nothing when the variable is not set. Perf scripts only (scripts/perf/).
/// </summary>
/// <remarks>The runtime requires this exact shape: a type named StartupHook, in no namespace, with a static Initialize.</remarks>
public static class StartupHook
{
    /// <summary>Called by the runtime before Main: starts the sampling thread.</summary>
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("GAME_PERF_PROBE_OUT");
        if (string.IsNullOrWhiteSpace(path)) return;
        var thread = new Thread(() => Sample(path)) { IsBackground = true, Name = "perf heap probe" };
        thread.Start();
    }

    private static void Sample(string path)
    {
        var trigger = path + ".gc";
        using var writer = new StreamWriter(path, append: true) { AutoFlush = true };
        while (true)
        {
            var full = false;
            if (File.Exists(trigger))
            {
                File.Delete(trigger);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                full = true;
            }
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"t\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"full_gc\":{(full ? "true" : "false")}," +
                $"\"heap_bytes\":{info.HeapSizeBytes},\"committed_bytes\":{info.TotalCommittedBytes}," +
                $"\"total_memory\":{GC.GetTotalMemory(false)},\"allocated_bytes\":{GC.GetTotalAllocatedBytes(false)}," +
                $"\"gen0\":{GC.CollectionCount(0)},\"gen1\":{GC.CollectionCount(1)},\"gen2\":{GC.CollectionCount(2)}," +
                $"\"pause_ms\":{GC.GetTotalPauseDuration().TotalMilliseconds:0.###},\"threads\":{ThreadPool.ThreadCount}," +
                $"\"server_gc\":{(System.Runtime.GCSettings.IsServerGC ? "true" : "false")}}}"));
            Thread.Sleep(1000);
        }
    }
}
