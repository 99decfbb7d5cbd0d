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

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(4_999_999L, 0)]
    [InlineData(5_000_000L, 1)]
    [InlineData(49_999_999L, 9)]
    [InlineData(50_000_000L + 35_000_000L, 7)] // a period later: the same slot
    [InlineData(-15_000_000L, 7)]             // a clock before its origin
    public void A_point_of_the_period_is_in_one_of_its_slots(long at, int slot) =>
        Assert.Equal(slot, TickGrid.SlotOf(at, Period, phases: 10));

    [Fact]
    public void The_delay_to_a_slot_is_under_a_period_and_lands_on_its_start()
    {
        var random = new Random(11);
        for (var i = 0; i < 2_000; i++)
        {
            var due = random.NextInt64(-(1L << 40), 1L << 50);
            var slot = random.Next(10);
            var delay = TickGrid.DelayToSlot(due, Period, phases: 10, slot);
            Assert.InRange(delay, 0, Period - 1);
            Assert.Equal(slot, TickGrid.SlotOf(due + delay, Period, phases: 10));
            Assert.Equal(0, TickGrid.Delay(due + delay, Period, phases: 10)); // on the grid
        }
        Assert.Equal(0, TickGrid.DelayToSlot(15_000_000, Period, phases: 10, slot: 3));
        Assert.Equal(Period - 1, TickGrid.DelayToSlot(15_000_001, Period, phases: 10, slot: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TickGrid.DelayToSlot(0, Period, phases: 10, slot: 10));
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

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void TickSlotRooms_is_0_to_10000_and_0_by_default(int rooms, bool valid)
    {
        Assert.Equal(0, new ArenaOptions().TickSlotRooms);
        var result = new ArenaOptionsValidator().Validate(null, new ArenaOptions { TickSlotRooms = rooms });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Arena:TickSlotRooms must be 0–10000", result.FailureMessage);
    }
}
