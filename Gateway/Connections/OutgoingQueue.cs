using System.Threading.Channels;

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
/// </remarks>
internal sealed class OutgoingQueue(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<OutgoingFrame> _reliable = new();
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private OutgoingFrame? _snapshot;
    private CloseRequest? _close;

    /// <summary>Whether <see cref="TryComplete"/> was called.</summary>
    public bool IsCompleted
    {
        get { lock (_lock) return _close is not null; }
    }

    /// <summary>Queues a reliable message.</summary>
    public EnqueueResult Enqueue(OutgoingFrame frame)
    {
        lock (_lock)
        {
            if (_close is not null) return EnqueueResult.Closed;
            if (_reliable.Count >= capacity) return EnqueueResult.Overflow;
            _reliable.Enqueue(frame);
        }
        _doorbell.Writer.TryWrite(true);
        return EnqueueResult.Queued;
    }

    /// <summary>Replaces the waiting snapshot, if any, with <paramref name="frame"/>.</summary>
    public void SetSnapshot(OutgoingFrame frame)
    {
        lock (_lock)
        {
            if (_close is not null) return;
            _snapshot = frame;
        }
        _doorbell.Writer.TryWrite(true);
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
        _doorbell.Writer.TryWrite(true);
        return true;
    }

    /// <summary>Waits for the next thing to do: a frame to send, or, once the queue is completed and drained, the close.</summary>
    public async ValueTask<OutgoingItem> DequeueAsync()
    {
        while (true)
        {
            lock (_lock)
            {
                if (_reliable.TryDequeue(out var frame)) return new OutgoingItem(frame, null);
                if (_close is not null) return new OutgoingItem(default, _close);
                if (_snapshot is { } snapshot)
                {
                    _snapshot = null;
                    return new OutgoingItem(snapshot, null);
                }
            }
            await _doorbell.Reader.ReadAsync().ConfigureAwait(false);
        }
    }
}
