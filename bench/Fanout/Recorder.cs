using Orleans;
using System.Diagnostics;
using HdrHistogram;

namespace Game.Bench.Fanout;

/// <summary>Consumer-side sink: latency (now − sent) in microseconds and a count, only while recording.</summary>
internal sealed class Recorder
{
    private const long MaxMicros = 60_000_000; // 60 s; anything later is clamped (and then the run is meaningless anyway).

    // LongConcurrentHistogram: RecordValue is safe from many threads without a lock (HdrHistogram 2.5.0).
    private readonly LongConcurrentHistogram _histogram = new(1, MaxMicros, 3);
    private long _received;
    private volatile bool _recording;

    public long Received => Interlocked.Read(ref _received);

    public HistogramBase Histogram => _histogram;

    public void Begin() => _recording = true;

    public void End() => _recording = false;

    public void Record(Item item)
    {
        var now = Stopwatch.GetTimestamp();
        if (!_recording)
        {
            return;
        }

        var micros = (long)Stopwatch.GetElapsedTime(item.SentTimestamp, now).TotalMicroseconds;
        _histogram.RecordValue(Math.Clamp(micros, 1, MaxMicros));
        Interlocked.Increment(ref _received);
    }

    /// <summary>Value at a percentile, in milliseconds.</summary>
    public double Ms(double percentile) => _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => _histogram.GetMaxValue() / 1000.0;
}

/// <summary>One per room in observer mode: hands each item to the driver's <paramref name="receive"/>. Orleans holds only a weak reference to it: the driver keeps it alive.</summary>
internal sealed class RoomObserver(Action<Item> receive) : IRoomObserver
{
    public Task OnItem(Item item)
    {
        receive(item);
        return Task.CompletedTask;
    }
}
