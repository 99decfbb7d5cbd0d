namespace Game.Gateway.Connections;

/// <summary>
/// A connection's outgoing messages, read by its one send loop.
/// </summary>
/// <remarks>
/// Two lanes: reliable messages (replies, room events) are sent in order and bounded by a capacity — a client so far
/// behind that they overflow is to be closed; snapshots coalesce in a single slot, so a slow client gets the newest
/// one, never a backlog, and whoever produces it never waits. Reliable messages go first, so a <c>map</c> never
/// overtakes the events that led to it. Writers never block: they take a short lock to move an entry and ring a
/// doorbell the send loop waits on.
/// <para>One writer at a time owns the socket's send side. Usually that is the send loop. A room feed delivering a
/// snapshot or an event to a connection that has nothing queued and nothing in flight may take it instead
/// (<see cref="TryBeginDirectSend"/>) and send on its own thread, which saves waking the send loop — one thread-pool
/// work item per player per tick. A direct send that does not complete at once is handed to the send loop
/// (<see cref="HandOver"/>), which awaits it before anything else.</para>
/// </remarks>
internal sealed class OutgoingQueue(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<OutgoingFrame> _reliable = new();
    private readonly Doorbell _doorbell = new();
    private OutgoingFrame? _snapshot;
    private CloseRequest? _close;
    private bool _sending;        // someone owns the socket's send side
    private bool _loopOwnsSend;   // ... and it is the send loop (released when it asks for the next item)
    private Task? _handedOver;    // a direct send still in flight, for the send loop to await

    /// <summary>Queues a reliable message.</summary>
    public EnqueueResult Enqueue(OutgoingFrame frame)
    {
        lock (_lock)
        {
            if (_close is not null) return EnqueueResult.Closed;
            if (_reliable.Count >= capacity) return EnqueueResult.Overflow;
            _reliable.Enqueue(frame);
        }
        _doorbell.Ring();
        return EnqueueResult.Queued;
    }

    /// <summary>Replaces the waiting snapshot, if any, with <paramref name="frame"/>.</summary>
    public void SetSnapshot(OutgoingFrame frame)
    {
        lock (_lock)
        {
            if (_close is not null) return;
            if (_snapshot is not null) Diagnostics.GatewayMetrics.RecordSnapshotReplaced();
            _snapshot = frame;
        }
        _doorbell.Ring();
    }

    /// <summary>
    /// Takes the socket's send side for one room item (a snapshot or an event), when nothing is queued, in flight or
    /// closing. The caller must then send and end with <see cref="EndDirectSend"/> (completed) or <see cref="HandOver"/>
    /// (still pending or failed).
    /// </summary>
    /// <returns>True when the caller now owns the send side; false when the item must be queued (<see cref="SetSnapshot"/>,
    /// <see cref="Enqueue"/>).</returns>
    public bool TryBeginDirectSend()
    {
        lock (_lock)
        {
            if (_sending || _close is not null || _snapshot is not null || _reliable.Count > 0) return false;
            _sending = true;
            return true;
        }
    }

    /// <summary>Ends a direct send that completed: releases the send side and wakes the send loop if anything is waiting.</summary>
    public void EndDirectSend()
    {
        bool waiting;
        lock (_lock)
        {
            _sending = false;
            waiting = _reliable.Count > 0 || _snapshot is not null || _close is not null;
        }
        if (waiting) _doorbell.Ring();
    }

    /// <summary>Gives a direct send that has not completed (or failed) to the send loop, which awaits it and then owns the send side.</summary>
    public void HandOver(Task send)
    {
        lock (_lock) _handedOver = send;
        _doorbell.Ring();
    }

    /// <summary>Drops the waiting snapshot (the connection left the room it came from).</summary>
    public void ClearSnapshot()
    {
        lock (_lock) _snapshot = null;
    }

    /// <summary>Asks the send loop to close the connection after what <paramref name="close"/> says to drain. Only the first call counts.</summary>
    /// <returns>True for the first call.</returns>
    public bool TryComplete(CloseRequest close)
    {
        lock (_lock)
        {
            if (_close is not null) return false;
            _close = close;
            _snapshot = null;
            if (!close.Drain) _reliable.Clear();
        }
        _doorbell.Ring();
        return true;
    }

    /// <summary>
    /// Waits for the next thing to do: a direct send to finish, a frame to send, or, once the queue is completed and
    /// drained, the close. Only the send loop calls it, and only after it has finished with the previous item: the
    /// call releases the send side the previous item gave it.
    /// </summary>
    public async ValueTask<OutgoingItem> DequeueAsync()
    {
        while (true)
        {
            lock (_lock)
            {
                if (_loopOwnsSend)
                {
                    _loopOwnsSend = false;
                    _sending = false;
                }
                if (_handedOver is { } inFlight)
                {
                    _handedOver = null;
                    _loopOwnsSend = true; // already _sending
                    return new OutgoingItem(default, null, inFlight);
                }
                if (!_sending)
                {
                    if (_reliable.TryDequeue(out var frame)) return Take(new OutgoingItem(frame, null));
                    if (_close is not null) return Take(new OutgoingItem(default, _close));
                    if (_snapshot is { } snapshot)
                    {
                        _snapshot = null;
                        Diagnostics.GatewayMetrics.RecordSnapshot(); // its bytes are counted when the send loop sends it
                        return Take(new OutgoingItem(snapshot, null));
                    }
                }
            }
            await _doorbell.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The send loop takes the send side for <paramref name="item"/> (under the lock).</summary>
    private OutgoingItem Take(OutgoingItem item)
    {
        _sending = true;
        _loopOwnsSend = true;
        return item;
    }
}
