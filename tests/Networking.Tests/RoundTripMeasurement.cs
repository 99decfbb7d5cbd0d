using System.Diagnostics;
using Xunit.Abstractions;

namespace Game.Networking.Tests;

/// <summary>Runs only when <c>NETWORKING_MEASURE=1</c>: a measurement, not a test of behaviour.</summary>
public sealed class MeasureFactAttribute : FactAttribute
{
    public MeasureFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NETWORKING_MEASURE") != "1") Skip = "Set NETWORKING_MEASURE=1 (and build Release) to measure.";
    }
}

/// <summary>
/// Grain call round trips client → silo over loopback TCP, both in this process (so the figures include both sides'
/// CPU on the same cores). Run: <c>NETWORKING_MEASURE=1 dotnet test tests/Networking.Tests -c Release --filter RoundTripMeasurement --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class RoundTripMeasurement(ITestOutputHelper output)
{
    [MeasureFact]
    public async Task Client_to_silo_round_trip_on_loopback()
    {
        await using var cluster = new TestCluster();
        var silo = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = silo.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("bench");
        for (var i = 0; i < 5000; i++) await grain.Add(i, 1);

        const int Sequential = 20_000;
        var samples = new long[Sequential];
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Sequential; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.Equal(i + 1, await grain.Add(i, 1));
            samples[i] = Stopwatch.GetTimestamp() - started;
        }
        var allocatedPerCall = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)Sequential;
        Report("1 caller", samples);
        output.WriteLine($"allocated (client + silo, whole process) per call: {allocatedPerCall:F0} B");

        const int Callers = 64;
        var duration = TimeSpan.FromSeconds(3);
        var grains = Enumerable.Range(0, Callers).Select(k => client.Grains.GetGrain<IEchoGrain>($"bench-{k}")).ToArray();
        foreach (var g in grains) await g.Add(0, 0);
        var latencies = new List<long>[Callers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async k =>
        {
            var mine = latencies[k] = new List<long>(100_000);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await grains[k].Add(k, 1);
                mine.Add(Stopwatch.GetTimestamp() - started);
            }
        }));
        var total = latencies.Sum(l => l.Count);
        output.WriteLine($"{Callers} concurrent callers: {total / clock.Elapsed.TotalSeconds:F0} calls/s");
        Report($"{Callers} callers", [.. latencies.SelectMany(l => l)]);
        Assert.True(total > 0);
    }

    private void Report(string what, long[] ticks)
    {
        Array.Sort(ticks);
        double Us(double q) => ticks[(int)Math.Min(ticks.Length - 1, q * ticks.Length)] * 1e6 / Stopwatch.Frequency;
        output.WriteLine($"{what}: p50 {Us(0.50):F1} µs, p90 {Us(0.90):F1} µs, p99 {Us(0.99):F1} µs, p99.9 {Us(0.999):F1} µs ({ticks.Length} calls)");
    }
}
