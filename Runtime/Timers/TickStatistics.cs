namespace Game.Runtime.Timers;

/// <summary>
/// Durations of recent grain timer ticks on this silo (a ring of the last 4,096), for the load a silo reports
/// (placement, the operator view). Recording is lock-free and allocation-free.
/// </summary>
internal sealed class TickStatistics
{
    private const int Capacity = 4096;
    private readonly double[] _samples = new double[Capacity];
    private long _count;

    /// <summary>Records one tick's duration, ms.</summary>
    public void Record(double milliseconds)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        _samples[i % Capacity] = milliseconds;
    }

    /// <summary>The 99th percentile of the recorded durations, ms; 0 when none.</summary>
    public double P99()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), Capacity);
        if (n == 0) return 0;
        var copy = _samples[..n];
        Array.Sort(copy);
        return copy[Math.Min(n - 1, (int)Math.Ceiling(n * 0.99) - 1)];
    }
}
