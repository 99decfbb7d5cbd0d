using System.Collections.Concurrent;

namespace Game.Grains.Rooms;

/// <summary>
/// The room activations of this silo, by room id: rooms add themselves when they activate and remove themselves when
/// they deactivate, and record how long their ticks take. The silo's shutdown participant reads it to move every room to another silo before Orleans
/// deactivates the grains, and <c>GET /cluster</c> counts rooms and players per silo from it.
/// </summary>
public sealed class LocalRooms
{
    private const int TickWindow = 2048;

    private readonly ConcurrentDictionary<string, int> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _kinds = new(StringComparer.Ordinal); // metrics: kind per room
    private readonly long[] _tickTicks = new long[TickWindow]; // the last ticks' durations in TimeSpan ticks, a ring
    private readonly long[] _lateTicks = new long[TickWindow]; // how late those ticks started, TimeSpan ticks, the same ring
    private long _tickCount;

    /// <summary>Rooms active here.</summary>
    public int Count => _rooms.Count;

    /// <summary>Players seated in the rooms active here.</summary>
    public int Players
    {
        get
        {
            var players = 0;
            foreach (var room in _rooms) players += room.Value;
            return players;
        }
    }

    /// <summary>The ids of the rooms active here (a copy).</summary>
    public string[] Ids() => [.. _rooms.Keys];

    /// <summary>Records that room <paramref name="roomId"/> is active here with <paramref name="players"/> seated.</summary>
    public void Set(string roomId, int players) => _rooms[roomId] = players;

    /// <summary>Records that room <paramref name="roomId"/> is no longer active here.</summary>
    public void Remove(string roomId)
    {
        _rooms.TryRemove(roomId, out _);
        _kinds.TryRemove(roomId, out _);
    }

    /// <summary>Records the kind of room <paramref name="roomId"/> (for the rooms-by-kind metric).</summary>
    public void SetKind(string roomId, string kind) => _kinds[roomId] = kind;

    /// <summary>The rooms active here by kind (<c>none</c> for a room whose kind is not known yet).</summary>
    public Dictionary<string, int> CountByKind()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var room in _rooms)
        {
            var kind = _kinds.TryGetValue(room.Key, out var k) ? k : "none";
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        return counts;
    }

    /// <summary>
    /// Records one room tick that took <paramref name="elapsed"/> (timer callback start to end) and started
    /// <paramref name="late"/> after it was due on its room's schedule (zero or less: on time).
    /// </summary>
    public void RecordTick(TimeSpan elapsed, TimeSpan late)
    {
        if (late < TimeSpan.Zero) late = TimeSpan.Zero;
        var slot = (Interlocked.Increment(ref _tickCount) - 1) % TickWindow;
        Volatile.Write(ref _tickTicks[slot], elapsed.Ticks);
        Volatile.Write(ref _lateTicks[slot], late.Ticks);
        Diagnostics.RoomMetrics.RecordTick(elapsed, late);
    }

    /// <summary>The 99th percentile of the last ticks' durations (up to 2,048 ticks), ms; 0 before any tick.</summary>
    public double TickP99Ms() => P99Ms(_tickTicks);

    /// <summary>
    /// The 99th percentile of how late the last ticks (up to 2,048) started after they were due on their rooms'
    /// schedules, ms; 0 before any tick. A silo whose rooms tick late is short of CPU or stalled: its players see the
    /// pause between snapshots grow by as much.
    /// </summary>
    public double TickLatenessP99Ms() => P99Ms(_lateTicks);

    private double P99Ms(long[] ring)
    {
        var count = (int)Math.Min(Volatile.Read(ref _tickCount), TickWindow);
        if (count == 0) return 0;
        var copy = new long[count];
        for (var i = 0; i < count; i++) copy[i] = Volatile.Read(ref ring[i]);
        Array.Sort(copy);
        return TimeSpan.FromTicks(copy[Math.Min(count - 1, (int)Math.Ceiling(count * 0.99) - 1)]).TotalMilliseconds;
    }
}
