namespace Game.LoadTest;

/// <summary>One non-empty bucket of a <see cref="LatencyHistogram"/>: one of HdrHistogram's ranges of equivalent values.</summary>
/// <param name="LowMicroseconds">Smallest value in the bucket, µs (inclusive).</param>
/// <param name="HighMicroseconds">Largest value in the bucket, µs (inclusive).</param>
/// <param name="Count">Samples recorded in it.</param>
public readonly record struct HistogramBucket(long LowMicroseconds, long HighMicroseconds, long Count);
