using Game.Gateway.Cluster;
using Game.Gateway.Feeds;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Gateway.Connections;

/// <summary>
/// The connection's room: the seat it has, the join in flight, and the room feed items it is handed.
/// </summary>
/// <remarks>
/// A join adds the connection to the room's feed before asking the room, so no event published after the seat was
/// given can be missed; until <c>joined</c> is queued, the feed's events are held back (and snapshots skipped), then
/// queued right after it. The seat fields are guarded by <see cref="_roomLock"/>: the receive loop changes them, feed
/// deliveries read them; only the epoll loop's thread reads the seat without it (<see cref="SeatOnLoop"/>).
/// <para>Binary connections (docs/protocol-binary.md): the seat remembers the last <c>roster</c> queued; a snapshot whose
/// roster differs queues the new one on the ordered lane first, so the client has it before the map that follows it. A
/// new seat, or <c>joined</c> sent again, starts with none (the client forgets its roster on <c>joined</c>).</para>
/// </remarks>
internal sealed partial class PlayerConnection
{
    private readonly Lock _roomLock = new();
    private RoomSeat? _seat;
    private RoomSeat? _joining;

    /// <summary>The seat the connection has, or null (also while leaving it).</summary>
    private RoomSeat? Seat
    {
        get
        {
            lock (_roomLock) return _seat is { Leaving: false } seat ? seat : null;
        }
    }

    /// <summary>
    /// <see cref="Seat"/> for the epoll loop's thread (<see cref="Epoll.IMessageSink.TryHandleNow"/>): the same answer without
    /// taking the room lock, which feed deliveries take on the pool's threads for every snapshot (taking it on the loop's
    /// thread too, for every input, moved its cache line between the cores). One volatile read of the seat, then of its
    /// flag, gives what the locked read would have given a moment earlier or later, and nothing is done under the lock
    /// with the answer either way; a room ignores the inputs of a player it no longer seats.
    /// </summary>
    public RoomSeat? SeatOnLoop => Volatile.Read(ref _seat) is { Leaving: false } seat ? seat : null;

    /// <summary>Replaces the seat (under <see cref="_roomLock"/>), counting the one it replaces as given up (<see cref="RoomSeat.NoteGivenUp"/>).</summary>
    private void SetSeat(RoomSeat? seat)
    {
        var previous = _seat;
        Volatile.Write(ref _seat, seat);
        if (previous is not null && !ReferenceEquals(previous, seat)) RoomSeat.NoteGivenUp();
    }

    /// <summary>The room the connection is seated in, or null (also while leaving it).</summary>
    private string? SeatedRoom => Seat?.RoomId;

    /// <summary>
    /// Called by <see cref="RoomFeed"/> for every item of a room this connection is (becoming) a member of. Queues it,
    /// except when the connection has nothing queued or in flight: then it is sent at once on the caller's thread (see
    /// <see cref="OutgoingQueue"/>), in the delivery's batch if it has one; either way it never waits for the client.
    /// </summary>
    /// <param name="roomId">The feed's room.</param>
    /// <param name="item">The item, to tell snapshots from events.</param>
    /// <param name="frame">The item's encoded bytes in this connection's encoding, shared by every member that uses it.</param>
    /// <param name="roster">For a binary <c>map</c>: the roster it follows (sent first if this seat has not had it); else null.</param>
    /// <param name="batch">The delivery's batch of sends, which an item sent at once joins if it can; or null.</param>
    public void DeliverRoomItem(string roomId, RoomEvent item, OutgoingFrame frame, RosterFrame? roster = null, Epoll.SendBatch? batch = null)
    {
        RoomSeat? lost = null;
        var direct = false;
        var snapshot = false;
        lock (_roomLock)
        {
            if (_seat is { } seat && seat.RoomId == roomId)
            {
                if (seat.Leaving) return;
                if (RoomSeat.IsSnapshot(item))
                {
                    snapshot = true;
                    if (seat.TakeRoster(roster)) Send(roster!.Frame);
                    direct = _queue.TryBeginDirectSend();
                    if (!direct) _queue.SetSnapshot(frame);
                }
                else
                {
                    // An event goes at once too when nothing is ahead of it: the send loop is not woken for it, and the
                    // tick's map that follows finds the send side free (docs/performance.md, issue 11, "Eighteenth pass").
                    direct = _queue.TryBeginDirectSend();
                    if (!direct) Send(frame);
                    if (seat.EndsSeatOf(item, _playerId))
                    {
                        // The room let the player go (e.g. it left for another room, or the room dropped it): stop the feed.
                        SetSeat(null);
                        _queue.ClearSnapshot();
                        lost = seat;
                    }
                }
            }
            else if (_joining is { } joining && joining.RoomId == roomId)
            {
                joining.HoldWhileJoining(item, _playerId, frame);
            }
        }
        if (direct) SendNow(frame, batch, snapshot); // outside the lock: the send side is ours alone
        if (lost is not null)
        {
            Log.SeatLost(_logger, ConnectionId, _playerId, roomId);
            _feeds.Remove(lost.Feed, this);
        }
    }

    /// <summary>
    /// Seats the player in <paramref name="roomId"/> through <paramref name="join"/> (a player or room grain call) and
    /// queues <c>joined</c>, or the room's <c>error</c>. A grain call that fails gives <c>error unavailable</c>.
    /// </summary>
    private async Task JoinAsync(string roomId, Func<Task<JoinResult>> join)
    {
        join = Diagnostics.GatewayMetrics.TimeJoin(join);
        _watchers.Set(this, false); // a join ends watching the lobby (shared protocol.md v1.1)
        RoomSeat? seat;
        lock (_roomLock) seat = _seat;
        if (seat is not null && seat.RoomId == roomId && !seat.Leaving)
        {
            // Already here: the room returns the seat unchanged; the feed stays as it is.
            var again = await CallAsync(join).ConfigureAwait(false);
            if (again is null) return;
            if (again.Joined is { } same)
            {
                var frame = EncodeJoined(same);
                lock (_roomLock)
                {
                    // The client forgets its roster on joined: drop the waiting map (it may follow the old roster) and
                    // send the roster again before the next one.
                    _queue.ClearSnapshot();
                    Send(frame);
                    seat.Roster = null;
                }
            }
            else SendError(again.Error ?? ErrorCode.BadRequest, again.Message ?? "join failed");
            return;
        }

        RoomFeed feed;
        try
        {
            feed = await _feeds.AddAsync(roomId, this).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.GrainCallFailed(_logger, ex, ConnectionId, "subscribe");
            SendError(ErrorCode.Unavailable, UnavailableMessage);
            return;
        }
        // The feed's own id string: the feed then finds its members' seats by reference, not by comparing the text.
        var link = new RoomSeat(feed.RoomId, feed, _grains.GetGrain<IRoomGrain>(roomId), this);
        lock (_roomLock) _joining = link;

        var result = await CallAsync(join).ConfigureAwait(false);
        var joined = result?.Joined;
        var joinedFrame = joined is null ? default : EncodeJoined(joined);
        RoomSeat? previous = null;
        lock (_roomLock)
        {
            _joining = null;
            if (joined is not null)
            {
                previous = _seat;
                link.SeatNumber = joined.Seat;
                feed.Clock.SetTickRate(joined.Ticks ? joined.TickHz : 0);
                SetSeat(link);
                _queue.ClearSnapshot();
                Send(joinedFrame);
                foreach (var pending in link.Pending ?? []) Send(pending);
                link.Pending = null;
            }
        }

        if (joined is null)
        {
            _feeds.Remove(feed, this);
            if (result is not null) SendError(result.Error ?? ErrorCode.BadRequest, result.Message ?? "join failed");
            return;
        }
        if (previous is not null) _feeds.Remove(previous.Feed, this);
        Log.Joined(_logger, ConnectionId, _playerId, roomId);
    }

    /// <summary>Leaves the seat: asks the player grain, then stops the feed and tells the leaver <c>player_left</c> with its own id.</summary>
    private async Task LeaveAsync()
    {
        RoomSeat? seat;
        lock (_roomLock)
        {
            seat = _seat;
            if (seat is { Leaving: false })
            {
                seat.Leaving = true;
                _queue.ClearSnapshot();
            }
            else seat = null;
        }
        if (seat is null)
        {
            SendError(ErrorCode.NotInRoom, NotInRoomMessage);
            return;
        }

        try
        {
            await _player!.LeaveRoom().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lock (_roomLock) seat.Leaving = false;
            Log.GrainCallFailed(_logger, ex, ConnectionId, "leave");
            SendError(ErrorCode.Unavailable, UnavailableMessage);
            return;
        }

        lock (_roomLock)
        {
            if (ReferenceEquals(_seat, seat)) SetSeat(null);
        }
        _feeds.Remove(seat.Feed, this);
        ReplyWriter.WritePlayerLeft(Reply(), _playerId!);
        Send(TakeReply());
        Log.Left(_logger, ConnectionId, _playerId, seat.RoomId);
    }

    /// <summary>Drops the seat and any join in flight, leaving their feeds (the connection is closing).</summary>
    private void DetachAll()
    {
        RoomSeat? seat, joining;
        lock (_roomLock)
        {
            seat = _seat;
            joining = _joining;
            SetSeat(null);
            _joining = null;
        }
        if (seat is not null) _feeds.Remove(seat.Feed, this);
        if (joining is not null) _feeds.Remove(joining.Feed, this);
    }

    private OutgoingFrame EncodeJoined(RoomJoined joined)
    {
        ReplyWriter.WriteJoined(Reply(), joined, new JoinedOptions(joined.Max, joined.Ticks, joined.Waiting, ExtraMembers: joined.ExtraJson));
        return TakeReply();
    }

    /// <summary>
    /// Runs a join call, again when Orleans could not deliver it (<see cref="RejectionRetry"/>); on any other failure, or
    /// the last, queues <c>error unavailable</c> and returns null.
    /// </summary>
    private async Task<JoinResult?> CallAsync(Func<Task<JoinResult>> join)
    {
        try
        {
            // Not delivered (the room's silo just died): the room had no part in it, and a join is idempotent anyway.
            return await RejectionRetry.CallAsync(_ => join(), _time,
                (ex, delay) => Log.GrainCallRetrying(_logger, ex, ConnectionId, "join", delay)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.GrainCallFailed(_logger, ex, ConnectionId, "join");
            SendError(ErrorCode.Unavailable, UnavailableMessage);
            return null;
        }
    }
}
