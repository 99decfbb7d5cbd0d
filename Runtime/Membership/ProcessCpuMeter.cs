using System.Diagnostics;

namespace Game.Runtime.Membership;

/// <summary>
/// The process's CPU use between two readings, % of one core: what a silo reports as <see cref="SiloLoad.CpuPercent"/>
/// with each heartbeat.
/// </summary>
/// <remarks>Reads <see cref="Environment.CpuUsage"/> (user + kernel time of every thread of the process). Not thread-safe:
/// one caller (the heartbeat loop).</remarks>
internal sealed class ProcessCpuMeter
{
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan> _cpuTime;
    private long _lastTimestamp;
    private TimeSpan _lastCpu;

    /// <summary>Starts measuring now.</summary>
    /// <param name="time">The clock for elapsed wall time.</param>
    /// <param name="cpuTime">The process's total CPU time so far; defaults to <see cref="Environment.CpuUsage"/> (for tests).</param>
    public ProcessCpuMeter(TimeProvider time, Func<TimeSpan>? cpuTime = null)
    {
        _time = time;
        _cpuTime = cpuTime ?? (static () => Environment.CpuUsage.TotalTime);
        _lastTimestamp = time.GetTimestamp();
        _lastCpu = _cpuTime();
    }

    /// <summary>CPU used since the previous reading (or since construction), % of one core; 0 when no wall time has passed.</summary>
    public double Read()
    {
        var now = _time.GetTimestamp();
        var cpu = _cpuTime();
        var wall = _time.GetElapsedTime(_lastTimestamp, now);
        var used = cpu - _lastCpu;
        _lastTimestamp = now;
        _lastCpu = cpu;
        return wall <= TimeSpan.Zero ? 0 : Math.Max(0, used / wall * 100);
    }
}
