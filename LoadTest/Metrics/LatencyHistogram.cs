using System.Numerics;

namespace Game.LoadTest;

/// <summary>
/// A log-linear bucketed histogram of durations in microseconds, from 1 µs to
/// <see cref="MaxTrackableMicroseconds"/> (60 s), with percentiles. HdrHistogram-shaped, written for the load tester.
/// </summary>
/// <remarks>
/// <para>Layout: values 0–255 µs get one bucket each (exact). Above that, every power-of-two range
/// [2^k, 2^(k+1)) is split into 128 equal buckets, so a bucket is at most 1/128 of its lower bound wide:
/// a reported value is never more than 0.8 % above the value recorded (and never below it).
/// Values above 60 s are clamped to 60 s (and counted in <see cref="ClampedCount"/>); negative values to 0.</para>
/// <para>Thread safety: <see cref="Record(long)"/> may be called from any number of threads at once
/// (one interlocked increment per sample). Reads taken while others record see a consistent-enough
/// snapshot for progress displays; read after recording stops for exact figures.</para>
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>The largest value tracked distinctly: 60 s, in microseconds. Larger values are clamped to it.</summary>
    public const long MaxTrackableMicroseconds = 60_000_000;

    private const int SubBucketBits = 8;                       // 256 sub-buckets in the first (linear) range
    private const int SubBucketCount = 1 << SubBucketBits;     // 256
    private const int SubBucketHalfCount = SubBucketCount / 2; // 128 per power of two above it
    private static readonly int BucketCount = IndexOf(MaxTrackableMicroseconds) + 1;

    private readonly long[] _counts = new long[BucketCount];
    private long _min = long.MaxValue;
    private long _max = long.MinValue;
    private long _clamped;

    /// <summary>Number of samples recorded.</summary>
    public long TotalCount
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                total += Volatile.Read(ref _counts[i]);
            }
            return total;
        }
    }

    /// <summary>Smallest value recorded, µs (exact); 0 when empty.</summary>
    public long MinMicroseconds => TotalCount == 0 ? 0 : Volatile.Read(ref _min);

    /// <summary>Largest value recorded, µs (exact, after clamping to 60 s); 0 when empty.</summary>
    public long MaxMicroseconds => TotalCount == 0 ? 0 : Volatile.Read(ref _max);

    /// <summary>Number of samples above 60 s that were clamped to 60 s.</summary>
    public long ClampedCount => Volatile.Read(ref _clamped);

    /// <summary>Mean of the recorded values, µs, computed from bucket midpoints (within 0.4 %); 0 when empty.</summary>
    public double MeanMicroseconds
    {
        get
        {
            double sum = 0;
            long n = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                var c = Volatile.Read(ref _counts[i]);
                if (c == 0)
                {
                    continue;
                }
                sum += c * ((LowestEquivalent(i) + HighestEquivalent(i)) / 2.0);
                n += c;
            }
            return n == 0 ? 0 : sum / n;
        }
    }

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
        if (microseconds < 0)
        {
            microseconds = 0;
        }
        else if (microseconds > MaxTrackableMicroseconds)
        {
            microseconds = MaxTrackableMicroseconds;
            Interlocked.Add(ref _clamped, count);
        }
        Interlocked.Add(ref _counts[IndexOf(microseconds)], count);
        UpdateMin(microseconds);
        UpdateMax(microseconds);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/>: the smallest recorded bucket such that at least that
    /// share of samples is at or below it, reported as the bucket's upper bound (capped at the exact max). µs.
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
        var counts = SnapshotCounts(out var total);
        if (total == 0)
        {
            return 0;
        }
        var max = Volatile.Read(ref _max);
        if (percentile >= 100)
        {
            return max;
        }
        var rank = Math.Max(1L, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalent(i), max);
            }
        }
        return max;
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
        var counts = other.SnapshotCounts(out var total);
        if (total == 0)
        {
            return;
        }
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                Interlocked.Add(ref _counts[i], counts[i]);
            }
        }
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

    /// <summary>The non-empty buckets, lowest first, each with its value range (µs, inclusive) and count.</summary>
    /// <returns>The buckets; empty when nothing was recorded.</returns>
    public IReadOnlyList<HistogramBucket> GetBuckets()
    {
        var counts = SnapshotCounts(out _);
        var list = new List<HistogramBucket>();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                list.Add(new HistogramBucket(LowestEquivalent(i), HighestEquivalent(i), counts[i]));
            }
        }
        return list;
    }

    /// <summary>Counts the samples whose value lies in [<paramref name="fromMicroseconds"/>, <paramref name="toMicroseconds"/>), by bucket lower bound.</summary>
    /// <param name="fromMicroseconds">Inclusive lower bound, µs.</param>
    /// <param name="toMicroseconds">Exclusive upper bound, µs.</param>
    /// <returns>The number of samples whose bucket starts in the range.</returns>
    public long CountBetween(long fromMicroseconds, long toMicroseconds)
    {
        long n = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var low = LowestEquivalent(i);
            if (low >= fromMicroseconds && low < toMicroseconds)
            {
                n += Volatile.Read(ref _counts[i]);
            }
        }
        return n;
    }

    /// <summary>The bucket index of a value in 0..<see cref="MaxTrackableMicroseconds"/>.</summary>
    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value); // ≥ SubBucketBits
        var shift = msb - (SubBucketBits - 1);                        // value >> shift is in [128, 256)
        var sub = (int)(value >> shift) - SubBucketHalfCount;         // 0..127
        return SubBucketCount + ((shift - 1) * SubBucketHalfCount) + sub;
    }

    /// <summary>The smallest value that falls in bucket <paramref name="index"/>.</summary>
    internal static long LowestEquivalent(int index)
    {
        if (index < SubBucketCount)
        {
            return index;
        }
        var rel = index - SubBucketCount;
        var shift = (rel / SubBucketHalfCount) + 1;
        var sub = (rel % SubBucketHalfCount) + SubBucketHalfCount;
        return (long)sub << shift;
    }

    /// <summary>The largest value that falls in bucket <paramref name="index"/>.</summary>
    internal static long HighestEquivalent(int index)
    {
        if (index < SubBucketCount)
        {
            return index;
        }
        var shift = ((index - SubBucketCount) / SubBucketHalfCount) + 1;
        return LowestEquivalent(index) + (1L << shift) - 1;
    }

    private long[] SnapshotCounts(out long total)
    {
        var copy = new long[_counts.Length];
        total = 0;
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
            total += copy[i];
        }
        return copy;
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
