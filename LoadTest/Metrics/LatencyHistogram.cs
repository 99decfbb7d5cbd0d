using HdrHistogram;

namespace Game.LoadTest;

/// <summary>
/// Durations in microseconds, from 0 to <see cref="MaxTrackableMicroseconds"/> (60 s), with percentiles: a thin layer over
/// HdrHistogram's <see cref="LongConcurrentHistogram"/> (3 significant digits) that clamps out-of-range values, keeps the
/// exact minimum and maximum, and gives the figures in the units the load tester reports.
/// </summary>
/// <remarks>
/// <para>Precision: HdrHistogram with 3 significant value digits: values up to 2,047 µs are exact; above that a
/// value is reported as the highest value equivalent to it, at most 0.1 % above it (and never below). A percentile is the
/// value HdrHistogram gives at it (nearest rank), capped at the exact maximum. Values above 60 s are clamped to 60 s (and
/// counted in <see cref="ClampedCount"/>); negative values to 0.</para>
/// <para>Thread safety: <see cref="Record(long)"/> may be called from any number of threads at once (HdrHistogram's
/// concurrent histogram: lock-free, wait-free writers). Reads taken while others record see a consistent-enough
/// snapshot for progress displays; read after recording stops for exact figures.</para>
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>The largest value tracked distinctly: 60 s, in microseconds. Larger values are clamped to it.</summary>
    public const long MaxTrackableMicroseconds = 60_000_000;

    /// <summary>Significant decimal digits HdrHistogram keeps (0.1 % resolution).</summary>
    public const int SignificantDigits = 3;

    private readonly HistogramBase _histogram;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;
    private long _clamped;

    /// <summary>Creates an empty histogram (1 µs … 60 s, 3 significant digits).</summary>
    public LatencyHistogram()
        : this(CreateHdr(), exactExtremes: true)
    {
    }

    /// <summary>Wraps an HdrHistogram filled elsewhere (e.g. a <see cref="Recorder"/>'s interval histogram); min and max come from its buckets.</summary>
    /// <param name="histogram">The histogram, in µs; not copied.</param>
    internal LatencyHistogram(HistogramBase histogram)
        : this(histogram, exactExtremes: false)
    {
    }

    private LatencyHistogram(HistogramBase histogram, bool exactExtremes)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        _histogram = histogram;
        if (!exactExtremes && histogram.TotalCount > 0)
        {
            _max = histogram.GetMaxValue();
            foreach (var value in histogram.RecordedValues())
            {
                _min = histogram.LowestEquivalentValue(value.ValueIteratedTo);
                break;
            }
        }
    }

    /// <summary>The HdrHistogram underneath, in µs (for exporting, e.g. <c>OutputPercentileDistribution</c>).</summary>
    public HistogramBase Hdr => _histogram;

    /// <summary>Number of samples recorded.</summary>
    public long TotalCount => _histogram.TotalCount;

    /// <summary>Smallest value recorded, µs (exact); 0 when empty.</summary>
    public long MinMicroseconds => TotalCount == 0 ? 0 : Volatile.Read(ref _min);

    /// <summary>Largest value recorded, µs (exact, after clamping to 60 s); 0 when empty.</summary>
    public long MaxMicroseconds => TotalCount == 0 ? 0 : Volatile.Read(ref _max);

    /// <summary>Number of samples above 60 s that were clamped to 60 s.</summary>
    public long ClampedCount => Volatile.Read(ref _clamped);

    /// <summary>Mean of the recorded values, µs (HdrHistogram's, from equivalent-value midpoints: within 0.1 %); 0 when empty.</summary>
    public double MeanMicroseconds => TotalCount == 0 ? 0 : _histogram.GetMean();

    /// <summary>Creates the HdrHistogram every <see cref="LatencyHistogram"/> uses: concurrent writes, 1 µs … 60 s, 3 digits.</summary>
    /// <returns>An empty histogram.</returns>
    internal static HistogramBase CreateHdr() => new LongConcurrentHistogram(1, MaxTrackableMicroseconds, SignificantDigits);

    /// <summary>A recorder (HdrHistogram's interval recorder over concurrent histograms) with this class's range and precision.</summary>
    /// <returns>A new recorder.</returns>
    internal static Recorder CreateRecorder() =>
        new(1, MaxTrackableMicroseconds, SignificantDigits, static (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits));

    /// <summary>Clamps a value to the recordable range, 0 … 60 s.</summary>
    /// <param name="microseconds">The value, µs.</param>
    /// <returns>The clamped value.</returns>
    internal static long Clamp(long microseconds) => Math.Clamp(microseconds, 0, MaxTrackableMicroseconds);

    /// <summary>Records one sample of <paramref name="microseconds"/> µs. Thread-safe.</summary>
    /// <param name="microseconds">The value; negative is recorded as 0, above 60 s as 60 s.</param>
    public void Record(long microseconds) => RecordCount(microseconds, 1);

    /// <summary>Records one sample of <paramref name="duration"/> (microsecond resolution). Thread-safe.</summary>
    /// <param name="duration">The value; negative is recorded as 0, above 60 s as 60 s.</param>
    public void Record(TimeSpan duration) => Record(duration.Ticks / TimeSpan.TicksPerMicrosecond);

    /// <summary>Records <paramref name="count"/> samples of the same value. Thread-safe.</summary>
    /// <param name="microseconds">The value, µs; clamped to 0–60 s.</param>
    /// <param name="count">How many samples; must be ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void RecordCount(long microseconds, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }
        if (microseconds > MaxTrackableMicroseconds)
        {
            Interlocked.Add(ref _clamped, count);
        }
        microseconds = Clamp(microseconds);
        _histogram.RecordValueWithCount(microseconds, count);
        UpdateMin(microseconds);
        UpdateMax(microseconds);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> as HdrHistogram gives it (the highest value equivalent to the sample at
    /// that rank), capped at the exact maximum. µs.
    /// </summary>
    /// <param name="percentile">0–100, e.g. 99 for p99; 100 gives the exact maximum.</param>
    /// <returns>The value in µs, or 0 when the histogram is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is outside 0–100 or NaN.</exception>
    public long GetValueAtPercentile(double percentile)
    {
        if (double.IsNaN(percentile) || percentile < 0 || percentile > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile is between 0 and 100.");
        }
        if (TotalCount == 0)
        {
            return 0;
        }
        var max = Volatile.Read(ref _max);
        return percentile >= 100 ? max : Math.Min(_histogram.GetValueAtPercentile(percentile), max);
    }

    /// <summary>The value at <paramref name="percentile"/> in milliseconds (see <see cref="GetValueAtPercentile"/>).</summary>
    /// <param name="percentile">0–100.</param>
    /// <returns>Milliseconds, or 0 when empty.</returns>
    public double GetPercentileMilliseconds(double percentile) => GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>Adds every sample of <paramref name="other"/> to this histogram.</summary>
    /// <param name="other">The histogram to merge in; not changed.</param>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.TotalCount == 0)
        {
            return;
        }
        _histogram.Add(other._histogram);
        UpdateMin(Volatile.Read(ref other._min));
        UpdateMax(Volatile.Read(ref other._max));
        Interlocked.Add(ref _clamped, other.ClampedCount);
    }

    /// <summary>A copy of this histogram, e.g. to report on while recording goes on.</summary>
    /// <returns>A new histogram with the same samples.</returns>
    public LatencyHistogram Copy()
    {
        var copy = new LatencyHistogram();
        copy.Add(this);
        return copy;
    }

    /// <summary>The non-empty buckets (HdrHistogram's equivalent-value ranges), lowest first, each with its value range (µs, inclusive) and count.</summary>
    /// <returns>The buckets; empty when nothing was recorded.</returns>
    public IReadOnlyList<HistogramBucket> GetBuckets()
    {
        var list = new List<HistogramBucket>();
        foreach (var value in _histogram.RecordedValues())
        {
            var v = value.ValueIteratedTo;
            list.Add(new HistogramBucket(_histogram.LowestEquivalentValue(v), _histogram.HighestEquivalentValue(v), value.CountAddedInThisIterationStep));
        }
        return list;
    }

    /// <summary>Counts the samples whose value lies in [<paramref name="fromMicroseconds"/>, <paramref name="toMicroseconds"/>), by bucket lower bound.</summary>
    /// <param name="fromMicroseconds">Inclusive lower bound, µs.</param>
    /// <param name="toMicroseconds">Exclusive upper bound, µs.</param>
    /// <returns>The number of samples whose HdrHistogram bucket starts in the range.</returns>
    public long CountBetween(long fromMicroseconds, long toMicroseconds)
    {
        long n = 0;
        foreach (var bucket in GetBuckets())
        {
            if (bucket.LowMicroseconds >= fromMicroseconds && bucket.LowMicroseconds < toMicroseconds)
            {
                n += bucket.Count;
            }
        }
        return n;
    }

    private void UpdateMin(long value)
    {
        var current = Volatile.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Volatile.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
