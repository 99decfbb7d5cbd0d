namespace Game.Grains.Rooms;

/// <summary>
/// The tick grid of <see cref="ArenaOptions.TickPhases"/>: the points in time, on a monotonic clock, that split each
/// tick period into that many equal slots. Rooms whose schedules start on the grid tick in step with the other rooms
/// of their slot, so a silo's timer wakes once per slot, not once per room.
/// </summary>
internal static class TickGrid
{
    /// <summary>
    /// How long after <paramref name="due"/> the grid's next point is: 0 when <paramref name="due"/> is on it, else less
    /// than one slot (<paramref name="period"/> / <paramref name="phases"/>). All three are in the same clock's units
    /// (timestamps); <paramref name="phases"/> 0 means no grid (always 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive, or <paramref name="phases"/> is negative.</exception>
    public static long Delay(long due, long period, int phases)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        ArgumentOutOfRangeException.ThrowIfNegative(phases);
        if (phases == 0) return 0;
        var slot = SlotLength(period, phases);
        var past = Modulo(due, slot);
        return past == 0 ? 0 : slot - past;
    }

    /// <summary>
    /// The slot, 0 to <paramref name="phases"/> − 1, that the grid point <paramref name="at"/> starts, by its place in the
    /// period: slot k starts k × (<paramref name="period"/> / <paramref name="phases"/>) after each multiple of the period.
    /// A schedule of ticks a period apart stays in one slot.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> or <paramref name="phases"/> is not positive.</exception>
    public static int SlotOf(long at, long period, int phases)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(phases);
        return (int)Math.Min(phases - 1, Modulo(at, period) / SlotLength(period, phases));
    }

    /// <summary>
    /// How long after <paramref name="due"/> the next start of slot <paramref name="slot"/> (of <see cref="SlotOf"/>) is:
    /// 0 when <paramref name="due"/> is that start, else less than <paramref name="period"/>. Same units as
    /// <see cref="Delay"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> or <paramref name="phases"/> is not positive, or <paramref name="slot"/> is not 0 to <paramref name="phases"/> − 1.</exception>
    public static long DelayToSlot(long due, long period, int phases, int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(phases);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, phases);
        return Modulo(slot * SlotLength(period, phases) - due, period);
    }

    private static long SlotLength(long period, int phases) => Math.Max(1, period / phases);

    private static long Modulo(long value, long divisor)
    {
        var rest = value % divisor;
        return rest < 0 ? rest + divisor : rest;
    }
}
