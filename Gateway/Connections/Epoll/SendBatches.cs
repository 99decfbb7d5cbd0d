using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections.Epoll;

/// <summary>
/// Rings for the sends of room feeds (<see cref="SendBatch"/>): one feed delivery sends its room's item (a snapshot or
/// an event) to every idle member in one <c>io_uring_enter</c>, not one <c>sendmsg</c> each (docs/performance.md, issue 11,
/// "Sixteenth pass"). A batch is rented for one delivery and returned; as many rings exist as deliveries ever ran at once.
/// </summary>
/// <remarks>
/// Off where <see cref="GatewayOptions.IoUring"/> is false or the epoll loops are off (<see cref="GatewayOptions.IoThreads"/>
/// 0, or not Linux on x86-64 or arm64), and from the first ring the kernel refuses on (logged once, event 1315): then
/// <see cref="Rent"/> gives null and every send is a call of its own; so too after a ring fails (event 1316).
/// </remarks>
internal sealed partial class SendBatches : IDisposable
{
    private readonly ConcurrentBag<SendBatch> _idle = [];
    private readonly ILogger<SendBatches> _logger;
    private volatile bool _off;

    /// <summary>Batches for the gateway's feeds, on if <see cref="GatewayOptions.IoUring"/> and the epoll loops are.</summary>
    public SendBatches(IOptions<GatewayOptions> options, ILogger<SendBatches> logger)
    {
        _logger = logger;
        _off = !options.Value.IoUring || options.Value.IoThreads == 0 || !IoUring.IsSupported;
    }

    /// <summary>A batch for one delivery, to <see cref="SendBatch.Flush"/> when every member was offered; null when batches are off.</summary>
    public SendBatch? Rent()
    {
        if (_off) return null;
        if (_idle.TryTake(out var batch)) return batch;
        if (IoUring.TryCreate(SendBatch.Capacity, out var error) is not { } ring)
        {
            _off = true;
            Log.NoRing(_logger, error);
            return null;
        }
        return new SendBatch(this, ring);
    }

    internal void Return(SendBatch batch)
    {
        if (_off) batch.Dispose();
        else _idle.Add(batch);
    }

    /// <summary>A batch's ring failed (it is closed): no batch is made from now on (logged, event 1316).</summary>
    internal void Failed(IOException exception)
    {
        _off = true;
        Log.BatchFailed(_logger, exception);
        while (_idle.TryTake(out var idle)) idle.Dispose();
    }

    /// <summary>Closes the rings (batches in use are closed when returned: none are at shutdown, when the feeds have stopped).</summary>
    public void Dispose()
    {
        _off = true;
        while (_idle.TryTake(out var batch)) batch.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1315, Level = LogLevel.Information, Message = "The kernel refused an io_uring (errno {Error}): room feeds send to each player with a call of its own")]
        public static partial void NoRing(ILogger logger, int error);

        [LoggerMessage(EventId = 1316, Level = LogLevel.Error, Message = "An io_uring batch of sends failed; room feeds send to each player with a call of its own from now on")]
        public static partial void BatchFailed(ILogger logger, Exception exception);
    }
}

/// <summary>
/// The sends of one feed delivery: each idle member's frame is queued (<see cref="TryAdd"/>, which holds the socket's send
/// lock), then all are made in one <c>io_uring_enter</c> (<see cref="Flush"/>), and each connection learns how its send
/// went as if it had made it itself: written, the rest queued for the writable edge, or the connection lost.
/// </summary>
/// <remarks>
/// A frame's header and payload are copied once per delivery into the batch's pinned buffer, and every member that gets
/// that frame is sent the same bytes. Not thread-safe: one delivery uses a batch at a time.
/// </remarks>
internal sealed unsafe class SendBatch : IDisposable
{
    /// <summary>Sends one batch holds; members past it are sent one call each.</summary>
    public const int Capacity = 128;

    private const int BufferBytes = 64 * 1024;
    private const int NotCompleted = int.MinValue;
    private readonly SendBatches _owner;
    private readonly IoUring _ring;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);
    private readonly Entry[] _entries = new Entry[Capacity];
    private readonly int[] _results = new int[Capacity];
    private int _count, _used;
    private bool _broken;
    private ReadOnlyMemory<byte> _lastPayload; // the frame last copied in: the same memory is the same frame
    private int _lastOffset, _lastLength;

    private struct Entry
    {
        public EpollWebSocket Socket;
        public IBatchedSendOwner Owner;
        public int Offset, Length;
    }

    internal SendBatch(SendBatches owner, IoUring ring)
    {
        _owner = owner;
        _ring = ring;
    }

    /// <summary>
    /// Queues <paramref name="frame"/> for <paramref name="socket"/>, whose send side is then held until <see cref="Flush"/>.
    /// False, with nothing queued: the caller sends it as usual (the socket is not idle, closing, or busy on another
    /// thread right now, the batch is full, or the frame does not fit its buffer).
    /// </summary>
    public bool TryAdd(EpollWebSocket socket, OutgoingFrame frame, IBatchedSendOwner owner)
    {
        if (_count == Capacity) return false;
        if (_used == 0 || !frame.Payload.Equals(_lastPayload))
        {
            var length = EpollWebSocket.FrameLength(frame.Payload.Length);
            if (length > BufferBytes - _used) return false;
            EpollWebSocket.WriteFrame(frame.Payload.Span, frame.MessageType, _buffer.AsSpan(_used, length));
            (_lastPayload, _lastOffset, _lastLength) = (frame.Payload, _used, length);
            _used += length;
        }
        fixed (byte* at = &_buffer[_lastOffset])
        {
            if (!socket.TryQueueSend(_ring, at, _lastLength, _count)) return false;
        }
        _entries[_count++] = new Entry { Socket = socket, Owner = owner, Offset = _lastOffset, Length = _lastLength };
        return true;
    }

    /// <summary>
    /// Makes the queued sends, tells each owner how its send went (<see cref="IBatchedSendOwner.OnBatchedSend"/>), and
    /// returns the batch to its pool. Use the batch no more after this.
    /// </summary>
    public void Flush()
    {
        try
        {
            if (_count > 0)
            {
                var results = _results.AsSpan(0, _count);
                results.Fill(NotCompleted);
                try
                {
                    _ring.SubmitAndWait(results);
                }
                catch (IOException ex)
                {
                    // The ring is broken: the sends it did not complete are written on their sockets' writable edges (the
                    // frame waits in each one's queue), and no batch is made again.
                    _broken = true;
                    _owner.Failed(ex);
                    foreach (ref var result in results)
                    {
                        if (result == NotCompleted) result = -LinuxSockets.EAGAIN;
                    }
                }
                for (var i = 0; i < _count; i++)
                {
                    ref var entry = ref _entries[i];
                    var sent = entry.Socket.OnQueuedSend(_results[i], _buffer.AsSpan(entry.Offset, entry.Length));
                    try
                    {
                        entry.Owner.OnBatchedSend(sent);
                    }
                    catch (Exception)
                    {
                        // An owner's failure is its own: the others still hear about their sends.
                    }
                    entry = default;
                }
            }
        }
        finally
        {
            _count = _used = 0;
            _lastPayload = default;
            if (_broken) Dispose();
            else _owner.Return(this);
        }
    }

    /// <summary>Closes the ring.</summary>
    public void Dispose() => _ring.Dispose();
}

/// <summary>Told how a send that a <see cref="SendBatch"/> made for it went.</summary>
internal interface IBatchedSendOwner
{
    /// <summary>
    /// The send's outcome, as <see cref="WebSocket.SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>
    /// would have returned it: completed, pending until the loop writes the rest, or failed with
    /// <see cref="WebSocketException"/>. Called on the feed's thread, with no lock held.
    /// </summary>
    void OnBatchedSend(ValueTask sent);
}
