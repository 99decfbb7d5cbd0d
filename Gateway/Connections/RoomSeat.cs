using Game.Gateway.Feeds;
using Game.Grains.Interfaces;

namespace Game.Gateway.Connections;

/// <summary>
/// A connection's seat in a room, or its join in flight: the room's id, this gateway's <see cref="RoomFeed"/> of the
/// room, the room's grain (inputs and kind messages go straight to it), and what the seat decides about each item the
/// feed hands over. Its mutable state is guarded by the owning connection's room lock.
/// </summary>
/// <param name="roomId">The room id.</param>
/// <param name="feed">This gateway's feed of the room (one subscription to the room's stream, shared by its connections).</param>
/// <param name="room">The room's grain.</param>
/// <param name="owner">The connection the seat is for (a <see cref="PlayerConnection"/>); null only in tests of parts that take a seat.</param>
internal sealed class RoomSeat(string roomId, RoomFeed feed, IRoomGrain room, ISeatOwner? owner = null)
{
    /// <summary>The room id.</summary>
    public string RoomId { get; } = roomId;

    /// <summary>This gateway's feed of the room.</summary>
    public RoomFeed Feed { get; } = feed;

    /// <summary>The room's grain.</summary>
    public IRoomGrain Room { get; } = room;

    /// <summary>
    /// Whether this is still its connection's seat, not left or leaving (read without the room lock, on an epoll loop's
    /// thread): inputs held for the room's next tick (<see cref="InputCoalescer"/>) go only while it is, so that an input
    /// of a seat given up, which the room might take for the player's next seat there, is dropped instead.
    /// </summary>
    public bool IsCurrent => owner is null || ReferenceEquals(owner.SeatOnLoop, this);

    /// <summary>Events that arrived while joining, queued after <c>joined</c>.</summary>
    public List<OutgoingFrame>? Pending { get; set; }

    /// <summary>
    /// The seat's number in the room (<see cref="RoomJoined.Seat"/>): a <c>player_left</c> with the player's own id is
    /// about this seat only if it carries this number (a late one about an earlier seat in the same room is not).
    /// </summary>
    public long SeatNumber { get; set; }

    /// <summary>A leave is in flight: items are no longer queued. Setting it counts a seat given up (<see cref="NoteGivenUp"/>).</summary>
    public bool Leaving
    {
        get => _leaving;
        set
        {
            _leaving = value;
            if (value) NoteGivenUp();
        }
    }

    private bool _leaving;
    private static long s_givenUp;

    /// <summary>
    /// How many times, in this process, a seat has stopped being its connection's (<see cref="IsCurrent"/> went false):
    /// while it has not moved, every seat that was current is still current, so <see cref="InputCoalescer"/> checks its
    /// held inputs' seats one by one only when it has (docs/performance.md, issue 11, "Eighteenth pass").
    /// </summary>
    public static long GivenUpCount => Volatile.Read(ref s_givenUp);

    /// <summary>
    /// Counts one seat given up (<see cref="GivenUpCount"/>). The owner calls it after the change that makes
    /// <see cref="ISeatOwner.SeatOnLoop"/> no longer return the seat; <see cref="Leaving"/> calls it itself.
    /// </summary>
    public static void NoteGivenUp() => Interlocked.Increment(ref s_givenUp);

    /// <summary>The last binary <c>roster</c> queued for this seat, or null.</summary>
    public RosterFrame? Roster { get; set; }

    /// <summary>Whether <paramref name="item"/> is a per-tick snapshot (a slow client gets only the newest).</summary>
    public static bool IsSnapshot(RoomEvent item) => item is RoomSnapshot or KindEvent { IsSnapshot: true };

    /// <summary>
    /// For a binary <c>map</c> following <paramref name="roster"/>: true when this seat has not had that roster yet (it
    /// must be queued before the map), recording that it now has.
    /// </summary>
    public bool TakeRoster(RosterFrame? roster)
    {
        if (roster is null || ReferenceEquals(Roster, roster)) return false;
        Roster = roster;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="item"/> says the room let <paramref name="playerId"/> go from this seat (it left for another
    /// room, or the room dropped it). A <c>player_left</c> about an earlier seat of the same player does not.
    /// </summary>
    public bool EndsSeatOf(RoomEvent item, string? playerId)
        => item is PlayerLeftEvent left && left.Id == playerId && (left.Seat == 0 || left.Seat == SeatNumber);

    /// <summary>
    /// While joining: holds <paramref name="frame"/> back to send right after <c>joined</c>. Snapshots are skipped (the next
    /// one comes within a tick), and so is a <c>player_left</c> of the joiner (about an earlier seat: this one has none yet).
    /// </summary>
    public void HoldWhileJoining(RoomEvent item, string? playerId, OutgoingFrame frame)
    {
        if (IsSnapshot(item) || (item is PlayerLeftEvent left && left.Id == playerId)) return;
        (Pending ??= []).Add(frame);
    }
}

/// <summary>Who holds a <see cref="RoomSeat"/>: its connection.</summary>
internal interface ISeatOwner
{
    /// <summary>
    /// The owner's seat now, null while it has none or is leaving it; read without a lock on an epoll loop's thread. When
    /// it stops returning a seat, the owner calls <see cref="RoomSeat.NoteGivenUp"/> (after the change).
    /// </summary>
    RoomSeat? SeatOnLoop { get; }
}
