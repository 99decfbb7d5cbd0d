using Game.Grains.Rooms;

namespace Game.Grains.Tests.Rooms;

/// <summary>The tick grid (<see cref="ArenaOptions.TickPhases"/>): where a room's tick schedule starts.</summary>
public sealed class TickGridTests
{
    private const long Period = 50_000_000; // 20 Hz in nanoseconds (Linux's Stopwatch timestamps)

    [Theory]
    [InlineData(0L, 0L)]                       // on the grid
    [InlineData(5_000_000L, 0L)]               // 5 ms: the next slot's start
    [InlineData(5_000_001L, 4_999_999L)]       // just past a point: almost a whole slot
    [InlineData(123_456_789L, 1_543_211L)]     // 123.46 ms: next point 125 ms
    [InlineData(-1L, 1L)]                      // a clock before its origin (a test's fake clock)
    public void Ten_phases_of_a_20_Hz_period_are_5_ms_slots(long due, long delay) =>
        Assert.Equal(delay, TickGrid.Delay(due, Period, phases: 10));

    [Fact]
    public void Every_due_time_moves_less_than_a_slot_onto_the_grid_and_rooms_in_one_slot_meet()
    {
        var random = new Random(7);
        foreach (var phases in new[] { 1, 3, 10, 1000 })
        {
            var slot = Period / phases;
            for (var i = 0; i < 2_000; i++)
            {
                var due = random.NextInt64(0, 1L << 50);
                var delay = TickGrid.Delay(due, Period, phases);
                Assert.InRange(delay, 0, slot - 1);
                Assert.Equal(0, (due + delay) % slot);
                // Another room due later in the same slot lands on the same point.
                var sameSlot = due + delay - random.NextInt64(0, slot);
                Assert.Equal(due + delay, sameSlot + TickGrid.Delay(sameSlot, Period, phases));
            }
        }
    }

    [Fact]
    public void No_phases_is_no_grid()
    {
        Assert.Equal(0, TickGrid.Delay(123_456_789, Period, phases: 0));
    }

    [Fact]
    public void A_nonsense_period_or_phase_count_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TickGrid.Delay(0, period: 0, phases: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => TickGrid.Delay(0, Period, phases: -1));
    }
}

/// <summary>The setting that turns the grid on: <see cref="ArenaOptions.TickPhases"/>.</summary>
public sealed class TickPhasesOptionTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(10, true)]
    [InlineData(1000, true)]
    [InlineData(-1, false)]
    [InlineData(1001, false)]
    public void TickPhases_is_0_to_1000(int phases, bool valid)
    {
        var result = new ArenaOptionsValidator().Validate(null, new ArenaOptions { TickPhases = phases });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Arena:TickPhases must be 0–1000", result.FailureMessage);
    }

    [Fact]
    public void The_default_is_ten_phases() => Assert.Equal(10, new ArenaOptions().TickPhases);
}
