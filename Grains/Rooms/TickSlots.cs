namespace Game.Grains.Rooms;

/// <summary>
/// Which slots of the tick grid (<see cref="TickGrid"/>, <see cref="ArenaOptions.TickPhases"/>) this silo's rooms tick
/// in, per tick period: a new room is packed into a slot that already ticks, up to
/// <see cref="ArenaOptions.TickSlotRooms"/> rooms, so that the silo's timer wakes, and the thread pool and the sends
/// burst, once per occupied slot rather than once per slot its rooms happened to start in. One per silo; thread-safe.
/// </summary>
/// <remarks>
/// A full grid (every slot at the cap) takes the next rooms in its least full slot, so bursts stay even. A room that
/// resumes (a live move, or a restart from storage) keeps its schedule and is counted in whatever slot that falls in.
/// </remarks>
public sealed class TickSlots
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, int[]> _rooms = []; // period (timestamp units) → rooms per slot

    /// <summary>
    /// Picks the slot of a new room whose ticks are <paramref name="period"/> apart (timestamp units) on a grid of
    /// <paramref name="phases"/> (positive) slots, and counts the room there: the fullest slot with fewer than
    /// <paramref name="roomsPerSlot"/> rooms; if no occupied slot has space, the empty slot farthest from the occupied
    /// ones; if every slot holds <paramref name="roomsPerSlot"/> or more, the least full.
    /// </summary>
    /// <returns>The slot number, 0 to <paramref name="phases"/> − 1 (<see cref="TickGrid.SlotOf"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="phases"/> or <paramref name="roomsPerSlot"/> is not positive.</exception>
    public int Take(long period, int phases, int roomsPerSlot)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(phases);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(roomsPerSlot);
        lock (_lock)
        {
            var rooms = Slots(period, phases);
            int fullest = -1, leastFull = 0;
            for (var i = 0; i < rooms.Length; i++)
            {
                if (rooms[i] > 0 && rooms[i] < roomsPerSlot && (fullest < 0 || rooms[i] > rooms[fullest])) fullest = i;
                if (rooms[i] < rooms[leastFull]) leastFull = i;
            }
            var slot = fullest >= 0 ? fullest : rooms[leastFull] > 0 ? leastFull : FarthestEmpty(rooms);
            rooms[slot]++;
            return slot;
        }
    }

    /// <summary>Counts a room in slot <paramref name="slot"/> (one that resumed with its own schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not 0 to <paramref name="phases"/> − 1.</exception>
    public void Add(long period, int phases, int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, phases);
        lock (_lock) Slots(period, phases)[slot]++;
    }

    /// <summary>Stops counting a room in slot <paramref name="slot"/> (its timer stopped); a slot not counted is left alone.</summary>
    public void Release(long period, int slot)
    {
        lock (_lock)
        {
            if (_rooms.TryGetValue(period, out var rooms) && (uint)slot < (uint)rooms.Length && rooms[slot] > 0) rooms[slot]--;
        }
    }

    /// <summary>The rooms counted in each slot of <paramref name="period"/> (a copy; empty if none).</summary>
    public int[] RoomsPerSlot(long period)
    {
        lock (_lock) return _rooms.TryGetValue(period, out var rooms) ? [.. rooms] : [];
    }

    private int[] Slots(long period, int phases)
    {
        if (!_rooms.TryGetValue(period, out var rooms) || rooms.Length != phases) _rooms[period] = rooms = new int[phases];
        return rooms;
    }

    /// <summary>The empty slot whose nearest occupied slot (going round the period) is farthest; the first such, 0 if all are empty.</summary>
    private static int FarthestEmpty(int[] rooms)
    {
        int best = 0, bestDistance = -1;
        for (var i = 0; i < rooms.Length; i++)
        {
            if (rooms[i] > 0) continue;
            var distance = rooms.Length;
            for (var j = 0; j < rooms.Length; j++)
            {
                if (rooms[j] == 0) continue;
                var d = Math.Abs(i - j);
                distance = Math.Min(distance, Math.Min(d, rooms.Length - d));
            }
            if (distance > bestDistance) (best, bestDistance) = (i, distance);
        }
        return best;
    }
}
