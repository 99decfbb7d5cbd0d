using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Tasks.Sources;

namespace Game.Gateway.Connections.Epoll;

/// <summary>
/// The server side of a WebSocket (RFC 6455, no extensions) on a socket watched by an <see cref="EpollLoop"/>: frames are
/// read with one <c>recv</c> per readable edge and handed to the waiting <see cref="ReceiveAsync(Memory{byte}, CancellationToken)"/>
/// on the loop's thread, and written with one <c>sendmsg</c> (header and payload) on the sender's thread
/// (docs/performance.md, "Fifth pass"). Where the loop has an io_uring, that <c>recv</c> is made in one batch with the other
/// ready sockets' (<see cref="IEpollBatchReader"/>), and a room feed's snapshot goes in one batch with its other members'
/// (<see cref="SendBatch"/>): "Sixteenth pass".
/// </summary>
/// <remarks>
/// <para>Behaves as .NET's own server WebSocket does for what <see cref="PlayerConnection"/> uses: one receive and one
/// send at a time; pings answered with pongs; an unsolicited pong every keep-alive interval without other sends; a
/// received close reported as a <see cref="WebSocketMessageType.Close"/> result; text checked as UTF-8 across frames.
/// A frame that breaks RFC 6455 (reserved bits, unknown opcode, unmasked, a control frame fragmented or over 125
/// bytes, a continuation out of place, a bad close code) is answered with close 1002, invalid UTF-8 with 1007, and
/// the receive fails with <see cref="WebSocketException"/>; so does it on a reset and on an end of stream without a close frame.</para>
/// <para>Bytes a send could not write at once wait in a buffer rented for them, the send completing when the loop has
/// written them (on the writable edge); control frames queue behind them. The socket's descriptor is used only under
/// the side's lock and with the socket not yet closed, so a closed descriptor's number, taken again by another
/// connection, is never read or written.</para>
/// </remarks>
internal sealed partial class EpollWebSocket : WebSocket, IEpollBatchReader, IValueTaskSource<ValueWebSocketReceiveResult>, IValueTaskSource
{
    /// <summary>Bytes read ahead from the socket: a frame header (at most 14), a whole control frame (at most 139), and most client messages.</summary>
    internal const int ReadAheadBytes = 512;

    private const uint ReadEvents = LinuxSockets.EPOLLIN | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR;
    private const uint WriteEvents = LinuxSockets.EPOLLOUT | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR;
    private const uint HangUpEvents = LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR;
    private const int EndOfStream = -1; // _readError: a recv read the peer's end of stream

    private const byte OpContinuation = 0x0, OpText = 0x1, OpBinary = 0x2, OpClose = 0x8, OpPing = 0x9, OpPong = 0xA;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EpollLoop.Registration _registration;
    private readonly long _keepAliveMs;

    // Receiving: touched under _receiveLock (by the receive loop's ReceiveAsync and the loop's readable edge).
    private readonly Lock _receiveLock = new();
    private readonly byte[] _in = GC.AllocateUninitializedArray<byte>(ReadAheadBytes, pinned: true); // pinned: a batched recv writes it by address
    private int _inStart, _inEnd;
    private int _readError; // errno (or EndOfStream) a recv found, thrown by the next Fill; 0: none
    private bool _readable = true; // no EAGAIN or short read since the last readable edge: the first request's peek consumed the first one
    private bool _hungUp; // the peer shut down or reset: read until recv says so, short reads or not
    private long _frameRemaining;  // payload bytes of the current data frame not yet delivered
    private bool _inFrame, _frameFinal;
    private uint _mask;
    private int _maskOffset;
    private WebSocketMessageType? _message; // type of the data message being received, across continuations; null between messages
    private Utf8Validator _utf8;
    private bool _receivePending;
    private Memory<byte> _receiveBuffer;
    private ManualResetValueTaskSourceCore<ValueWebSocketReceiveResult> _receiveSource = new() { RunContinuationsAsynchronously = false };

    // Sending: touched under _sendLock (by senders, the receive side's pongs, the loop's writable edge and sweep).
    private readonly Lock _sendLock = new();
    private byte[]? _out;      // bytes accepted and not yet written
    private int _outStart, _outEnd;
    private bool _sendWaiting; // a SendAsync or CloseOutputAsync waits for _out to be written
    private bool _sendContinues; // the last data frame sent was not the end of its message
    private long _lastSendMs;
    private ManualResetValueTaskSourceCore<bool> _sendSource = new() { RunContinuationsAsynchronously = false };

    private volatile WebSocketState _state = WebSocketState.Open;
    private volatile bool _closed; // the descriptor is closed, or about to be: no call may use it
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    /// <summary>Takes over <paramref name="socket"/>, already watched by a loop as <paramref name="registration"/>, after its <c>101</c>.</summary>
    /// <param name="socket">The connected socket; disposed with this WebSocket. Nothing else may read or write it.</param>
    /// <param name="registration">Its registration; this WebSocket becomes its handler.</param>
    /// <param name="keepAlive">Interval of unsolicited pongs while nothing else is sent; zero or less: none.</param>
    public EpollWebSocket(Socket socket, EpollLoop.Registration registration, TimeSpan keepAlive)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _registration = registration;
        _keepAliveMs = keepAlive > TimeSpan.Zero ? (long)keepAlive.TotalMilliseconds : 0;
        _lastSendMs = Environment.TickCount64;
        registration.Loop.Retarget(registration, this);
    }

    /// <summary>
    /// Offered each whole message (one final frame that fits the waiting receive's buffer) on the loop's thread while the
    /// receive loop waits with nothing of a message read: what it handles, the receive loop never sees. Null: none.
    /// </summary>
    public IMessageSink? MessageSink { get; set; }

    /// <inheritdoc />
    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    /// <inheritdoc />
    public override string? CloseStatusDescription => _closeDescription;

    /// <inheritdoc />
    public override WebSocketState State => _state;

    /// <summary>Always null: no subprotocol is negotiated.</summary>
    public override string? SubProtocol => null;

    /// <summary>Handles the loop's events: a readable edge feeds a waiting receive, a writable one writes what waits.</summary>
    public void OnEvents(uint events)
    {
        if ((events & ReadEvents) != 0) OnReadable((events & HangUpEvents) != 0);
        // Looked at without the lock: a send that queues after this look writes once more itself (WriteOrQueue).
        if ((events & WriteEvents) != 0 && Volatile.Read(ref _out) is not null) OnWritable();
    }

    /// <summary>Sends an unsolicited pong when nothing was sent for the keep-alive interval.</summary>
    public void OnSweep(long nowMs)
    {
        if (_keepAliveMs == 0 || nowMs - Volatile.Read(ref _lastSendMs) < _keepAliveMs) return;
        if (_state is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try
        {
            SendControl(OpPong, []);
        }
        catch (WebSocketException)
        {
            // lost: the receive loop learns it from its next receive
        }
    }

    /// <summary>Stops watching the socket and closes it; a waiting receive or send fails with <see cref="WebSocketException"/>. Idempotent.</summary>
    public override void Abort() => Terminate(WebSocketState.Aborted);

    /// <summary>Closes the socket (without a close handshake, if none was made); state <see cref="WebSocketState.Closed"/> unless aborted.</summary>
    public override void Dispose() => Terminate(WebSocketState.Closed);

    private void Terminate(WebSocketState state)
    {
        bool receiveWaited, sendWaited;
        lock (_receiveLock)
        {
            lock (_sendLock)
            {
                if (_closed) return;
                _closed = true;
                if (state == WebSocketState.Aborted || _state != WebSocketState.Aborted) _state = state;
                receiveWaited = _receivePending;
                _receivePending = false;
                _receiveBuffer = default;
                sendWaited = _sendWaiting;
                _sendWaiting = false;
                if (_out is { } rented) ArrayPool<byte>.Shared.Return(rented);
                _out = null;
            }
        }
        _registration.Loop.Remove(_registration);
        _socket.Dispose();
        var ended = new WebSocketException(WebSocketError.InvalidState, "the WebSocket was aborted");
        if (receiveWaited) _receiveSource.SetException(ended);
        if (sendWaited) _sendSource.SetException(ended);
    }

    private static WebSocketException Lost(int errno) =>
        new(WebSocketError.ConnectionClosedPrematurely, new SocketException(errno));

    private static WebSocketException InvalidState(WebSocketState state) =>
        new(WebSocketError.InvalidState, $"the WebSocket is {state}");

    /// <inheritdoc />
    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        ReceiveAsSegmentAsync(buffer, cancellationToken);

    private async Task<WebSocketReceiveResult> ReceiveAsSegmentAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, _closeStatus, _closeDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    /// <inheritdoc />
    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    /// <summary>Sends the close frame (if not yet sent) and waits for the peer's (reading and dropping any messages before it).</summary>
    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        if (_state is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await CloseOutputAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        }
        var scratch = new byte[ReadAheadBytes];
        while (_state == WebSocketState.CloseSent)
        {
            await ReceiveAsync(scratch.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    // IValueTaskSource<ValueWebSocketReceiveResult>: the receive waiting for a readable edge.
    ValueWebSocketReceiveResult IValueTaskSource<ValueWebSocketReceiveResult>.GetResult(short token) => _receiveSource.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ValueWebSocketReceiveResult>.GetStatus(short token) => _receiveSource.GetStatus(token);

    void IValueTaskSource<ValueWebSocketReceiveResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _receiveSource.OnCompleted(continuation, state, token, flags);

    // IValueTaskSource: the send waiting for a writable edge.
    void IValueTaskSource.GetResult(short token) => _sendSource.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _sendSource.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _sendSource.OnCompleted(continuation, state, token, flags);

    /// <summary>Waits for a pending operation, aborting the WebSocket if <paramref name="cancellationToken"/> fires first (as .NET's WebSocket does).</summary>
    private async ValueTask<T> WithCancellation<T>(ValueTask<T> pending, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static state => ((EpollWebSocket)state!).Abort(), this))
        {
            try
            {
                return await pending.ConfigureAwait(false);
            }
            catch (WebSocketException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    /// <summary><see cref="WithCancellation{T}"/> for a send.</summary>
    private async ValueTask WithCancellation(ValueTask pending, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static state => ((EpollWebSocket)state!).Abort(), this))
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (WebSocketException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }
}

/// <summary>Handles some whole messages of an <see cref="EpollWebSocket"/> at once on its loop's thread (<see cref="EpollWebSocket.MessageSink"/>).</summary>
internal interface IMessageSink
{
    /// <summary>
    /// Handles <paramref name="message"/> now, synchronously, without blocking; false: leave it to the receive loop,
    /// which is then given it as if this had not been called. Called under the WebSocket's receive lock: it must not
    /// receive, abort or dispose the WebSocket (sending is allowed).
    /// </summary>
    /// <param name="message">The whole message, unmasked (text already checked as UTF-8).</param>
    /// <param name="type">Text or binary.</param>
    bool TryHandleNow(ReadOnlySpan<byte> message, System.Net.WebSockets.WebSocketMessageType type);
}
