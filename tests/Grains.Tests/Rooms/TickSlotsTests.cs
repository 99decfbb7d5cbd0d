using Game.Grains.Rooms;

namespace Game.Grains.Tests.Rooms;

/// <summary>
/// <see cref="TickSlots"/> (<see cref="ArenaOptions.TickSlotRooms"/>): new rooms packed into the tick grid's slots up to
/// the cap, so that few rooms tick in few bursts and no burst outgrows the cap before the grid is full.
/// </summary>
public sealed class TickSlotsTests
{
    private const long Period = 50_000_000; // 20 Hz in nanoseconds

    [Fact]
    public void New_rooms_fill_one_slot_to_the_cap_before_opening_the_next()
    {
        var slots = new TickSlots();
        var taken = Enumerable.Range(0, 45).Select(_ => slots.Take(Period, phases: 10, roomsPerSlot: 20)).ToArray();

        Assert.Equal(3, taken.Distinct().Count());
        Assert.Equal([20, 20, 5], slots.RoomsPerSlot(Period).Where(n => n > 0).OrderDescending());
    }

    [Fact]
    public void A_new_slot_opens_as_far_as_it_can_from_the_occupied_ones()
    {
        var slots = new TickSlots();
        var opened = new List<int>();
        for (var i = 0; i < 4; i++) opened.Add(slots.Take(Period, phases: 10, roomsPerSlot: 1));

        Assert.Equal(0, opened[0]);
        Assert.Equal(5, opened[1]);
        Assert.Contains(opened[2], new[] { 2, 3, 7, 8 }); // two or three slots from each of 0 and 5
        var distance = opened.Take(3).Min(o => Math.Min(Math.Abs(o - opened[3]), 10 - Math.Abs(o - opened[3])));
        Assert.Equal(2, distance);
    }

    [Fact]
    public void A_full_grid_fills_its_slots_evenly()
    {
        var slots = new TickSlots();
        for (var i = 0; i < 100; i++) slots.Take(Period, phases: 4, roomsPerSlot: 10);

        Assert.All(slots.RoomsPerSlot(Period), n => Assert.Equal(25, n));
    }

    [Fact]
    public void A_slot_a_room_left_takes_the_next_new_room_before_an_empty_one()
    {
        var slots = new TickSlots();
        var first = slots.Take(Period, phases: 10, roomsPerSlot: 2);
        slots.Take(Period, phases: 10, roomsPerSlot: 2);
        var second = slots.Take(Period, phases: 10, roomsPerSlot: 2);
        Assert.NotEqual(first, second);

        slots.Release(Period, first);
        Assert.Equal(first, slots.Take(Period, phases: 10, roomsPerSlot: 2)); // 1 of 2 there, 1 of 2 in the second: the first found
        Assert.Equal(second, slots.Take(Period, phases: 10, roomsPerSlot: 2));
    }

    [Fact]
    public void Each_tick_rate_has_its_own_grid_and_resumed_rooms_count_where_they_are()
    {
        var slots = new TickSlots();
        const long pong = 33_333_300; // 30 Hz
        slots.Add(Period, phases: 10, slot: 7);
        slots.Add(Period, phases: 10, slot: 7);

        Assert.Equal(7, slots.Take(Period, phases: 10, roomsPerSlot: 20));
        Assert.Equal(0, slots.Take(pong, phases: 10, roomsPerSlot: 20));
        Assert.Equal(3, slots.RoomsPerSlot(Period)[7]);

        slots.Release(Period, slot: 3); // never counted: nothing changes
        slots.Release(pong, slot: 99);
        Assert.Equal(3, slots.RoomsPerSlot(Period).Sum());
    }

    [Fact]
    public void Nonsense_arguments_throw()
    {
        var slots = new TickSlots();
        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Take(Period, phases: 0, roomsPerSlot: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Take(Period, phases: 10, roomsPerSlot: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Add(Period, phases: 10, slot: 10));
    }
}
