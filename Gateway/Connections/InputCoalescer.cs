using System.Diagnostics;
using Game.Grains.Interfaces;
using Orleans;

namespace Game.Gateway.Connections;

/// <summary>
/// Gathers the inputs one epoll loop reads, per room, and sends each room's in one grain call: those read early in a
/// ticking room's tick are held until shortly before its next tick (<see cref="Feeds.RoomTickClock.HoldUntil"/>,
/// <see cref="GatewayOptions.InputBatchLead"/>) and go in one <see cref="IRoomGrain.Inputs"/> call; the rest (read after
/// that moment, or for a room whose ticks are not known) go when the loop's pass that read them ends, one call per room
/// (<see cref="IRoomGrain.Input"/> for a lone input). An input is never held past the moment it would still reach the
/// tick it would have reached alone (docs/performance.md, issue 11, "Eighth pass" and "Eleventh pass").
/// </summary>
/// <remarks>
/// <para>Owned by one loop's thread and touched only there (no lock): <see cref="Current"/> is that thread's coalescer,
/// null on every other thread, where an input is sent at once as before. The loop asks <see cref="NextDue"/> how long it
/// may wait, so a held batch leaves on time when no socket is ready.</para>
/// <para>A held input goes only if its seat is still its connection's (<see cref="RoomSeat.IsCurrent"/>): one of a seat
/// left, or of a connection that ended off the loop's thread, is dropped, as the room would ignore it or, after a quick
/// rejoin, take its old sequence number for the new seat's. A connection ending on the loop's thread sends everything
/// held first (<see cref="Flush"/>).</para>
/// </remarks>
internal sealed partial class InputCoalescer : Epoll.IEpollPassObserver
{
    [ThreadStatic] private static InputCoalescer? t_current;

    private readonly ILogger _logger;
    private readonly Dictionary<object, Pending> _byRoom = new(ReferenceEqualityComparer.Instance);
    private readonly List<Pending> _pass = [];  // to send when the pass ends
    private readonly List<Pending> _held = [];  // to send at their Due
    private readonly Stack<Pending> _free = new();
    private readonly Func<long> _now;
    private long _nextDue;

    /// <summary>Creates a coalescer for one loop; it is <see cref="Current"/> on that loop's thread once the loop starts.</summary>
    /// <param name="logger">For a failed send (event id 1313).</param>
    /// <param name="now">The clock, in <see cref="Stopwatch.GetTimestamp"/> units; null: that (tests give their own).</param>
    public InputCoalescer(ILogger logger, Func<long>? now = null)
    {
        _logger = logger;
        _now = now ?? Stopwatch.GetTimestamp;
    }

    /// <summary>The coalescer of the epoll loop running on this thread, or null on any other thread.</summary>
    public static InputCoalescer? Current => t_current;

    /// <summary>One room's inputs waiting to be sent.</summary>
    private sealed class Pending
    {
        public object Key = null!;
        public IRoomGrain Room = null!;
        public long Due; // Stopwatch timestamp; 0: at the end of the pass
        public long GivenUpAtHold; // RoomSeat.GivenUpCount before the first input was taken
        public readonly List<RoomSeat> Seats = new(8);
        public readonly List<string> PlayerIds = new(8);
        public readonly List<PlayerInput> Inputs = new(8);
    }

    /// <inheritdoc />
    /// <remarks>When the earliest held batch is due.</remarks>
    public long NextDue => _nextDue;

    /// <summary>
    /// Takes <paramref name="input"/> of <paramref name="playerId"/>, seated in <paramref name="seat"/>: held with the room's
    /// other inputs until its batch is due if the room's clock allows (<see cref="Feeds.RoomTickClock.HoldUntil"/>), else
    /// sent when this pass ends.
    /// </summary>
    public void Add(RoomSeat seat, string playerId, in PlayerInput input)
    {
        var key = seat.Feed;
        if (!_byRoom.TryGetValue(key, out var pending))
        {
            pending = _free.Count > 0 ? _free.Pop() : new Pending();
            pending.Key = key;
            pending.Room = seat.Room;
            pending.GivenUpAtHold = RoomSeat.GivenUpCount;
            var holdUntil = key.Clock.HoldUntil;
            pending.Due = holdUntil != 0 && holdUntil > _now() ? holdUntil : 0;
            _byRoom.Add(key, pending);
            if (pending.Due == 0) _pass.Add(pending);
            else
            {
                _held.Add(pending);
                if (_nextDue == 0 || pending.Due < _nextDue) _nextDue = pending.Due;
            }
        }
        pending.Seats.Add(seat);
        pending.PlayerIds.Add(playerId);
        pending.Inputs.Add(input);
    }

    /// <inheritdoc />
    public void OnLoopStarted() => t_current = this;

    /// <summary>A pass ended: sends what it read for rooms whose ticks are not known, and the held batches now due.</summary>
    public void OnPassEnd()
    {
        SendAll(_pass);
        if (_held.Count == 0) return;
        var now = _now();
        if (now < _nextDue) return;
        long next = 0;
        var kept = 0;
        for (var i = 0; i < _held.Count; i++)
        {
            var pending = _held[i];
            if (pending.Due <= now)
            {
                Send(pending);
                continue;
            }
            _held[kept++] = pending;
            if (next == 0 || pending.Due < next) next = pending.Due;
        }
        _held.RemoveRange(kept, _held.Count - kept);
        _nextDue = next;
    }

    /// <summary>
    /// Sends every input waiting, held or not, now. A connection that is ending calls it before it reports the drop, so
    /// that its last inputs reach the room before the room hears it is away.
    /// </summary>
    public void Flush()
    {
        SendAll(_pass);
        SendAll(_held);
        _nextDue = 0;
    }

    private void SendAll(List<Pending> list)
    {
        if (list.Count == 0) return;
        foreach (var pending in list) Send(pending);
        list.Clear();
    }

    /// <summary>Sends one room's waiting inputs (those whose seats are still current) in one call, and recycles the entry.</summary>
    private void Send(Pending pending)
    {
        // Held: drop the inputs of seats given up since, if any seat anywhere has been (nearly never in steady play, and
        // checking each seat's connection cost a cache miss per input: docs/performance.md, issue 11, "Eighteenth pass").
        if (pending.Due != 0 && RoomSeat.GivenUpCount != pending.GivenUpAtHold) DropGivenUpSeats(pending);
        var count = pending.Inputs.Count;
        if (count > 0)
        {
            Diagnostics.GatewayMetrics.RecordInputCall();
            try
            {
                if (count == 1) pending.Room.Input(pending.PlayerIds[0], pending.Inputs[0]).Ignore();
                else pending.Room.Inputs(new InputBatch([.. pending.PlayerIds], [.. pending.Inputs])).Ignore();
            }
            catch (Exception ex)
            {
                Log.SendFailed(_logger, ex);
            }
        }
        _byRoom.Remove(pending.Key);
        pending.Seats.Clear();
        pending.PlayerIds.Clear();
        pending.Inputs.Clear();
        pending.Key = null!;
        pending.Room = null!;
        _free.Push(pending);
    }

    /// <summary>Removes the inputs of seats given up since they were held.</summary>
    private static void DropGivenUpSeats(Pending pending)
    {
        // Nearly always every seat is current: find the first that is not before moving anything.
        var seats = pending.Seats;
        var kept = 0;
        while (kept < seats.Count && seats[kept].IsCurrent) kept++;
        if (kept == seats.Count) return;
        for (var i = kept + 1; i < seats.Count; i++)
        {
            if (!seats[i].IsCurrent) continue;
            seats[kept] = seats[i];
            pending.PlayerIds[kept] = pending.PlayerIds[i];
            pending.Inputs[kept] = pending.Inputs[i];
            kept++;
        }
        var dropped = seats.Count - kept;
        pending.Seats.RemoveRange(kept, dropped);
        pending.PlayerIds.RemoveRange(kept, dropped);
        pending.Inputs.RemoveRange(kept, dropped);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Sending a room's inputs failed; they are dropped")]
        public static partial void SendFailed(ILogger logger, Exception exception);
    }
}
