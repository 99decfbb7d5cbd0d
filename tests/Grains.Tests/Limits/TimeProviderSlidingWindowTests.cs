using Game.Grains.Limits;
using Microsoft.Extensions.Time.Testing;

namespace Game.Grains.Tests.Limits;

/// <summary>The sliding window on a fake clock, as the limits of shared protocol.md v1.1 use it.</summary>
public sealed class TimeProviderSlidingWindowTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Exactly_the_limit_then_one_over_is_refused_until_the_window_has_passed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var window = new TimeProviderSlidingWindow(clock, 5, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        for (var i = 0; i < 5; i++) Assert.True(window.TryAcquire(), $"permit {i + 1} of 5");
        Assert.True(window.IsExhausted);
        Assert.False(window.TryAcquire(), "the 6th within the second");

        clock.Advance(999 * Ms);
        Assert.False(window.TryAcquire(), "refused at 999 ms (and refusals take nothing)");
        clock.Advance(Ms);
        Assert.False(window.IsExhausted);
        for (var i = 0; i < 5; i++) Assert.True(window.TryAcquire(), $"permit {i + 1} of 5 in the next second");
        Assert.False(window.TryAcquire());
    }

    [Fact]
    public void A_permit_comes_back_when_its_segment_leaves_the_window()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var window = new TimeProviderSlidingWindow(clock, 2, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        clock.Advance(50 * Ms);
        Assert.True(window.TryAcquire()); // at 50 ms, segment 0
        clock.Advance(100 * Ms);
        Assert.True(window.TryAcquire()); // at 150 ms, segment 1

        clock.Advance(849 * Ms); // 999 ms
        Assert.True(window.IsExhausted);
        clock.Advance(Ms); // 1,000 ms: segment 0 leaves the window, 950 ms after its permit was taken
        Assert.True(window.TryAcquire());
        Assert.False(window.TryAcquire());
        clock.Advance(99 * Ms); // 1,099 ms
        Assert.True(window.IsExhausted);
        clock.Advance(Ms); // 1,100 ms: segment 1 leaves
        Assert.True(window.TryAcquire());
    }

    [Fact]
    public void After_a_long_idle_every_permit_is_back_and_new_ones_are_held_a_whole_window()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var window = new TimeProviderSlidingWindow(clock, 3, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        for (var i = 0; i < 3; i++) window.TryAcquire();
        Assert.True(window.IsExhausted);

        clock.Advance(TimeSpan.FromHours(1) + 350 * Ms); // 36,003 segments, a window of them slid
        for (var i = 0; i < 3; i++) Assert.True(window.TryAcquire(), $"permit {i + 1} of 3 after an hour");
        Assert.False(window.TryAcquire());
        clock.Advance(949 * Ms); // 999 ms after the segment they were taken in began
        Assert.True(window.IsExhausted);
        clock.Advance(Ms);
        Assert.False(window.IsExhausted);
    }

    [Fact]
    public void A_steady_rate_at_the_limit_is_never_refused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var window = new TimeProviderSlidingWindow(clock, 60, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        var interval = TimeSpan.FromTicks((TimeSpan.TicksPerSecond + 59) / 60); // 1/60 s, rounded up to whole ticks
        for (var i = 0; i < 600; i++)
        {
            Assert.True(window.TryAcquire(), $"permit {i + 1}");
            clock.Advance(interval);
        }
    }

    [Fact]
    public void Wrong_passwords_per_minute_in_one_second_segments()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var attempts = new TimeProviderSlidingWindow(clock, 5, TimeSpan.FromMinutes(1), segmentsPerWindow: 60);
        Assert.Equal(TimeSpan.FromSeconds(1), attempts.Segment);
        for (var i = 0; i < 5; i++) Assert.True(attempts.TryAcquire());
        clock.Advance(TimeSpan.FromSeconds(59) + 999 * Ms);
        Assert.True(attempts.IsExhausted);
        clock.Advance(Ms);
        Assert.False(attempts.IsExhausted);
    }

    [Fact]
    public void Using_it_allocates_nothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var window = new TimeProviderSlidingWindow(clock, 60, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        for (var i = 0; i < 200; i++) window.TryAcquire(); // warm up: taken and refused

        long allocated = 0;
        for (var i = 0; i < 10_000; i++)
        {
            clock.Advance(7 * Ms);
            var before = GC.GetAllocatedBytesForCurrentThread();
            window.TryAcquire();
            window.TryAcquire();
            _ = window.IsExhausted;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(0, 1_000, 10)]   // no permit
    [InlineData(5, 1_000, 1)]    // one segment: a fixed window, not a sliding one
    [InlineData(5, 1_000, 3)]    // a third of a second is no whole number of ticks
    [InlineData(5, 0, 10)]       // no window
    public void Rejects_what_is_no_sliding_window(int permits, int windowMs, int segments)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TimeProviderSlidingWindow(new FakeTimeProvider(), permits, TimeSpan.FromMilliseconds(windowMs), segments));
    }

    [Fact]
    public void A_jump_of_several_segments_gives_back_the_permits_of_each_segment_left_and_no_others()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var window = new TimeProviderSlidingWindow(clock, 4, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        Assert.True(window.TryAcquire()); // one permit in each of segments 0-3
        for (var i = 1; i < 4; i++)
        {
            clock.Advance(100 * Ms);
            Assert.True(window.TryAcquire(), $"at {i * 100} ms");
        }
        clock.Advance(900 * Ms); // 1,200 ms: segments 0, 1 and 2 left the window in one slide
        for (var i = 0; i < 3; i++) Assert.True(window.TryAcquire(), $"permit {i + 1} of the 3 back");
        Assert.False(window.TryAcquire(), "segment 3's permit is still in the window");
        clock.Advance(100 * Ms); // 1,300 ms
        Assert.True(window.TryAcquire());
    }

    [Fact]
    public void Segments_follow_the_clock_whatever_its_timestamp_frequency()
    {
        var clock = new NanosecondClock(); // Stopwatch's frequency on Linux, where FakeTimeProvider's is TimeSpan's ticks
        var window = new TimeProviderSlidingWindow(clock, 1, TimeSpan.FromSeconds(1), segmentsPerWindow: 10);
        Assert.True(window.TryAcquire());
        clock.Now += 999_999_999;
        Assert.False(window.TryAcquire(), "1 ns before the window has passed");
        clock.Now += 1;
        Assert.True(window.TryAcquire());
    }

    [Theory]
    [InlineData(1, 2, 11)]
    [InlineData(5, 10, 12)]
    [InlineData(60, 10, 13)]
    [InlineData(7, 4, 14)]
    public void Agrees_with_a_list_of_every_permit_over_random_clocks_and_bursts(int limit, int segments, int seed)
    {
        // The model: every permit taken, by its segment; one counts while the window's last segment is within
        // `segments` of it. Random advances (none, within a segment, across one or several, past the whole window) and
        // bursts (some refused) must give the same answers as the ring with the current segment kept beside it.
        var random = new Random(seed);
        var clock = new NanosecondClock();
        var segmentNs = 1_000_000_000L / segments;
        var window = new TimeProviderSlidingWindow(clock, limit, TimeSpan.FromSeconds(1), segments);
        var start = clock.Now;
        var taken = new List<long>();
        for (var step = 0; step < 5_000; step++)
        {
            clock.Now += random.Next(4) switch
            {
                0 => 0,
                1 => random.NextInt64(segmentNs / 3),
                2 => random.NextInt64(3 * segmentNs),
                _ => random.NextInt64(2 * segments * segmentNs),
            };
            var segment = (clock.Now - start) / segmentNs;
            taken.RemoveAll(s => segment - s >= segments);
            for (var burst = random.Next(limit + 2); burst > 0; burst--)
            {
                var expected = taken.Count < limit;
                Assert.Equal(expected, window.TryAcquire());
                if (expected) taken.Add(segment);
            }
            Assert.Equal(taken.Count >= limit, window.IsExhausted);
        }
    }

    /// <summary>A clock that counts nanoseconds and moves only when told.</summary>
    private sealed class NanosecondClock : TimeProvider
    {
        public long Now = 1_000_000_000_000;
        public override long TimestampFrequency => 1_000_000_000;
        public override long GetTimestamp() => Now;
    }
}
