using System.Collections.Concurrent;

namespace Game.LoadTest;

/// <summary>
/// The figures shared by every bot of one run: latency histograms, error and disconnect counters, and the
/// measurement window (warm-up excluded). Per-bot counters live on <see cref="Bot"/>. Thread-safe.
/// </summary>
public sealed class RunMetrics
{
    private readonly ConcurrentDictionary<string, long> _errorsByCode = new(StringComparer.Ordinal);
    private readonly HdrHistogram.Recorder _live = LatencyHistogram.CreateRecorder();
    private long _errors;
    private long _disconnects;
    private long _connectFailures;
    private long _joinFailures;
    private long _measureStart;
    private long _measureEnd;
    private volatile bool _measuring;
    private volatile bool _closing;

    /// <summary>Creates empty metrics.</summary>
    /// <param name="timeProvider">The clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public RunMetrics(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        _origin = TimeProvider.GetTimestamp();
    }

    private readonly long _origin;

    /// <summary>The clock every timestamp of the run comes from (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// The run's latency, by room kind (<see cref="RoomKinds.LatencyLabel"/>). Arena and pong: input→ack, from sending input
    /// <c>seq</c> n to receiving the first <c>map</c> whose ack for the bot is ≥ n. Relay: from a bot's <c>relay</c> sent to
    /// another bot receiving it. Board: from a bot's <c>draw</c> sent to its own stroke coming back.
    /// Only messages sent inside the measurement window, received before it closed.
    /// </summary>
    public LatencyHistogram InputLatency { get; } = new();

    /// <summary>Join latency: from sending <c>join</c> to receiving <c>joined</c>, for every successful join of the run.</summary>
    public LatencyHistogram JoinLatency { get; } = new();

    /// <summary>Whether the measurement window is open (after ramp-up and warm-up, before stop).</summary>
    public bool IsMeasuring => _measuring;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) the measurement window opened; 0 before.</summary>
    public long MeasurementStartTimestamp => Volatile.Read(ref _measureStart);

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) the measurement window closed; 0 while it is open or before it opened.</summary>
    public long MeasurementEndTimestamp => Volatile.Read(ref _measureEnd);

    /// <summary>Length of the measurement window so far (or in total once it closed); zero before it opened.</summary>
    public TimeSpan MeasuredDuration
    {
        get
        {
            var start = Volatile.Read(ref _measureStart);
            if (start == 0)
            {
                return TimeSpan.Zero;
            }
            var end = Volatile.Read(ref _measureEnd);
            return TimeProvider.GetElapsedTime(start, end == 0 ? TimeProvider.GetTimestamp() : end);
        }
    }

    /// <summary>Every <c>error</c> message received, whatever its code, over the whole run.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Connections lost while the bot was playing, not closed by the tester, over the whole run.</summary>
    public long Disconnects => Interlocked.Read(ref _disconnects);

    /// <summary>Bots whose WebSocket could not be opened.</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Bots connected but never seated (no <c>welcome</c>/<c>joined</c>, an <c>error</c>, or a timeout).</summary>
    public long JoinFailures => Interlocked.Read(ref _joinFailures);

    /// <summary>A snapshot of <see cref="Errors"/> by protocol error code (e.g. <c>room_full</c>).</summary>
    public IReadOnlyDictionary<string, long> ErrorsByCode =>
        new SortedDictionary<string, long>(_errorsByCode.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);

    /// <summary>Whether the tester is closing the bots (losses are no longer disconnects).</summary>
    internal bool IsClosing => _closing;

    /// <summary>Counts one <c>error</c> message.</summary>
    /// <param name="code">Its <c>code</c>.</param>
    public void RecordError(string code)
    {
        Interlocked.Increment(ref _errors);
        _errorsByCode.AddOrUpdate(code, 1, static (_, n) => n + 1);
    }

    /// <summary>Opens the measurement window now: input latency and snapshot rates count from here.</summary>
    public void BeginMeasurement()
    {
        Volatile.Write(ref _measureEnd, 0);
        Volatile.Write(ref _measureStart, TimeProvider.GetTimestamp());
        _measuring = true;
    }

    /// <summary>Closes the measurement window now.</summary>
    public void EndMeasurement()
    {
        if (!_measuring)
        {
            return;
        }
        _measuring = false;
        Volatile.Write(ref _measureEnd, TimeProvider.GetTimestamp());
    }

    /// <summary>The run's clock, ms since these metrics were created (µs resolution): the <c>t</c> relay bots send and read back.</summary>
    /// <param name="timestamp">A <see cref="TimeProvider.GetTimestamp"/> value.</param>
    /// <returns>Milliseconds on the run clock.</returns>
    internal double RunClockMs(long timestamp) => Math.Round((timestamp - _origin) * 1000.0 / TimeProvider.TimestampFrequency, 3);

    /// <summary>The timestamp of a time on the run's clock (<see cref="RunClockMs"/>).</summary>
    /// <param name="ms">Milliseconds on the run clock.</param>
    /// <returns>A <see cref="TimeProvider.GetTimestamp"/> value.</returns>
    internal long TimestampAtRunClockMs(double ms) => _origin + (long)Math.Round(ms * TimeProvider.TimestampFrequency / 1000.0);

    internal void RecordDisconnect() => Interlocked.Increment(ref _disconnects);

    internal void RecordConnectFailure() => Interlocked.Increment(ref _connectFailures);

    internal void RecordJoinFailure() => Interlocked.Increment(ref _joinFailures);

    internal void BeginClosing() => _closing = true;

    /// <summary>Records one input→ack latency; it counts in <see cref="InputLatency"/> only if sent inside the window.</summary>
    /// <returns>Whether it was counted in the measurement window.</returns>
    internal bool RecordInputLatency(long sentTimestamp, long ackTimestamp)
    {
        var micros = TimeProvider.GetElapsedTime(sentTimestamp, ackTimestamp).Ticks / TimeSpan.TicksPerMicrosecond;
        _live.RecordValue(LatencyHistogram.Clamp(micros));
        if (_measuring && sentTimestamp >= Volatile.Read(ref _measureStart))
        {
            InputLatency.Record(micros);
            return true;
        }
        return false;
    }

    /// <summary>Returns the latencies recorded since the previous call (warm-up included) and starts a new interval
    /// (HdrHistogram's <see cref="HdrHistogram.Recorder"/>: no sample is lost or counted twice across the swap). One caller at a time.</summary>
    internal LatencyHistogram TakeLiveInputLatency() => new(_live.GetIntervalHistogram());
}
