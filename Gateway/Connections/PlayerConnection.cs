using System.Net.WebSockets;
using Game.Gateway.Feeds;
using Game.Gateway.Sessions;
using Game.Grains.Interfaces;
using Game.Protocol;
using Orleans;
using Microsoft.Extensions.Logging;

namespace Game.Gateway.Connections;

/// <summary>
/// One player's WebSocket: speaks wire protocol v1 (shared protocol.md) for the player's session.
/// </summary>
/// <remarks>
/// <para>One receive loop reads, validates and handles client messages one at a time (grain calls are awaited in
/// order, so replies keep the order of requests); one send loop writes what the <see cref="OutgoingQueue"/> holds.
/// Room feeds queue into it (or send a snapshot at once when nothing is queued or in flight, never waiting), so a slow
/// client never slows its room or other clients.</para>
/// <para>Closing: whoever decides to close (client close, frame too large, queue overflow, server stopping) completes
/// the queue with a <see cref="CloseRequest"/>; the send loop drains what it says, sends the close frame, and a timer
/// aborts the socket if the whole close takes longer than <see cref="GatewayOptions.CloseTimeout"/>. A connection that
/// drops without a close handshake is a normal end, logged at debug level.</para>
/// <para>Files: <c>.Receive</c> (receive loop), <c>.Send</c> (send loop, replies), <c>.Handlers</c> (one method per
/// message type), <c>.Room</c> (joining and leaving; feed items handed to the seat), <c>.Log</c>. The seat and its rules
/// for feed items are their own type (<see cref="RoomSeat"/>), as is the room feed (<see cref="Feeds.RoomFeed"/>).</para>
/// </remarks>
internal sealed partial class PlayerConnection : Epoll.IMessageSink, Epoll.IBatchedSendOwner, ISeatOwner
{
    private readonly WebSocket _socket;
    private readonly IGrainFactory _grains;
    private readonly RoomFeedRegistry _feeds;
    private readonly SessionRegistry _sessions;
    private readonly Cluster.LobbyWatchers _watchers;
    private readonly string _gatewayId;
    private readonly TimeProvider _time;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly OutgoingQueue _queue;
    private readonly MessageRateLimit _rateLimiter;
    private const int MaxChatPerSecond = 5;
    private const int MaxRelayPerSecond = 60;
    private const int MaxDrawPerSecond = 30;
    // Made on first use (most players never chat, relay or draw): memory per idle connection (docs/performance.md).
    private MessageRateLimit? _chatLimiter;  // shared protocol.md v1.1: 5 chat per second
    private MessageRateLimit? _relayLimiter; // shared protocol.md v1.1: 60 relay per second
    private MessageRateLimit? _drawLimiter;  // shared protocol.md v1.1: 30 draw per second
    /// <summary>Wrong passwords one connection may give per minute (shared protocol.md v1.1, "Connections and operators"). <value>5.</value></summary>
    internal const int MaxWrongPasswordsPerMinute = 5;
    private Grains.Limits.TimeProviderSlidingWindow? _passwordAttempts; // shared protocol.md v1.1: 5 wrong passwords per minute, in 1 s segments; made on first use
    private ITimer? _abortTimer;
    private ITimer? _helloTimer;
    private volatile bool _helloInFlight;
    private readonly ConnectionAdmission.Ticket? _admission;
    private volatile bool _superseded;
    // Set as the queue is completed (Close); whether the connection is closing, asked for every message read (the epoll
    // loop asks for every input) here rather than in the queue, whose memory the feeds write at every tick from another
    // core (docs/performance.md, issue 11, "Seventeenth pass").
    private volatile bool _closing;

    // The session: set once by the receive loop on hello; read by room feeds.
    private volatile string? _playerId;
    private volatile WireEncoding _encoding;
    private IPlayerGrain? _player;
    private int _connectionNumber; // PlayerSession.Connection from hello, reported back on disconnect

    /// <param name="socket">The accepted WebSocket.</param>
    /// <param name="dependencies">The gateway's services.</param>
    /// <param name="connectionId">The HTTP connection id, for logs.</param>
    /// <param name="admission">The connection's place in <see cref="ConnectionAdmission"/>, marked welcomed on <c>welcome</c> (the caller disposes it); null when not counted.</param>
    public PlayerConnection(WebSocket socket, ConnectionDependencies dependencies, string connectionId, ConnectionAdmission.Ticket? admission = null)
    {
        _socket = socket;
        if (socket is Epoll.EpollWebSocket epoll) epoll.MessageSink = this;
        _admission = admission;
        _grains = dependencies.Grains;
        _feeds = dependencies.Feeds;
        _sessions = dependencies.Sessions;
        _time = dependencies.Time;
        _options = dependencies.Options;
        _logger = dependencies.Logger;
        ConnectionId = connectionId;
        _queue = new OutgoingQueue(_options.SendQueueCapacity);
        _rateLimiter = new MessageRateLimit(_time, _options.MaxInputsPerSecond, _options.RateLimitNoticeInterval);
        _watchers = dependencies.Watchers;
        _gatewayId = dependencies.Gateway.Id;
    }

    /// <summary>The HTTP connection id, for logs.</summary>
    public string ConnectionId { get; }

    /// <summary>The player id once welcomed, else null.</summary>
    public string? PlayerId => _playerId;

    /// <summary>
    /// The encoding negotiated in <c>hello</c> (docs/protocol-binary.md): JSON until a <c>hello</c> asking for binary is
    /// welcomed, then fixed. Room feeds read it to pick the <c>map</c> bytes (a connection joins rooms only once welcomed).
    /// </summary>
    public WireEncoding Encoding => _encoding;

    /// <summary>Runs the connection until it is closed and cleaned up. Never throws.</summary>
    /// <param name="stopping">Signalled when the server stops: the connection is closed with 1001 (going away).</param>
    public async Task RunAsync(CancellationToken stopping)
    {
        Log.Opened(_logger, ConnectionId);
        using var stopRegistration = stopping.Register(static state =>
            ((PlayerConnection)state!).Close(WebSocketCloseStatus.EndpointUnavailable, "server stopping", drain: true), this);

        _helloTimer = _time.CreateTimer(static state => ((PlayerConnection)state!).HelloDeadlinePassed(), this, _options.HelloTimeout, Timeout.InfiniteTimeSpan);
        var send = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
            Close(WebSocketCloseStatus.NormalClosure, "bye", drain: true);
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            Log.Dropped(_logger, ConnectionId, _playerId, ex.GetType().Name);
            Close(WebSocketCloseStatus.NormalClosure, "connection lost", drain: false);
            _socket.Abort();
        }
        catch (Exception ex)
        {
            Log.ReceiveLoopFailed(_logger, ex, ConnectionId);
            Close(WebSocketCloseStatus.InternalServerError, "server error", drain: false);
            _socket.Abort();
        }

        await send.ConfigureAwait(false);
        _helloTimer?.Dispose();
        _abortTimer?.Dispose();
        await CleanupAsync().ConfigureAwait(false);
        Log.Closed(_logger, ConnectionId, _playerId, _socket.CloseStatus?.ToString() ?? _socket.State.ToString());
    }

    /// <summary>
    /// Starts closing: the send loop sends what <paramref name="drain"/> allows, then the close frame; the socket is
    /// aborted if that has not finished within <see cref="GatewayOptions.CloseTimeout"/>. Only the first call counts.
    /// </summary>
    private void Close(WebSocketCloseStatus status, string description, bool drain)
    {
        _closing = true;
        if (!_queue.TryComplete(new CloseRequest(status, description, drain))) return;
        Log.Closing(_logger, ConnectionId, (int)status, description);
        _abortTimer = _time.CreateTimer(static state => ((PlayerConnection)state!).AbortAfterTimeout(), this, _options.CloseTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The hello deadline (<see cref="GatewayOptions.HelloTimeout"/>; shared protocol.md v1.1, "Connections and operators":
    /// a connection that has not sent <c>hello</c> within 10 s is closed with 1008). A <c>hello</c> being answered at that
    /// moment was sent in time: the check is made again a second later.
    /// </summary>
    private void HelloDeadlinePassed()
    {
        if (_playerId is not null) return;
        if (_helloInFlight)
        {
            _helloTimer?.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            return;
        }
        Log.HelloTimedOut(_logger, ConnectionId, _options.HelloTimeout);
        Close(WebSocketCloseStatus.PolicyViolation, "no hello in time", drain: true);
    }

    private void AbortAfterTimeout()
    {
        if (_socket.State is WebSocketState.Closed or WebSocketState.Aborted) return;
        Log.CloseTimedOut(_logger, ConnectionId, _options.CloseTimeout);
        _socket.Abort();
    }

    /// <summary>Another connection resumed this player's session: close this one without reporting a disconnect.</summary>
    internal void Supersede()
    {
        _superseded = true;
        Log.Superseded(_logger, ConnectionId, _playerId);
        Close((WebSocketCloseStatus)4001, "session resumed on another connection", drain: true);
    }

    /// <summary>Queues a message made elsewhere (a whisper, an announcement, the watched lobby); never waits.</summary>
    internal void DeliverFrame(OutgoingFrame frame) => Send(frame);

    /// <summary>Leaves the room feeds and, unless another connection took over, tells the player grain the connection dropped (it keeps the seat 30 s).</summary>
    private async Task CleanupAsync()
    {
        InputCoalescer.Current?.Flush(); // this pass's inputs go before the drop is reported (on an epoll loop's thread)
        _watchers.Set(this, false);
        DetachAll();
        if (_playerId is not { } playerId || _player is not { } player) return;
        if (_superseded) return;
        await _sessions.Release(playerId, this, async () =>
        {
            try
            {
                await player.Disconnected(_connectionNumber).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.DisconnectedCallFailed(_logger, ex, playerId);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Exceptions that mean the peer went away (reset, abort, no close handshake): a normal end for a game client.</summary>
    private static bool IsConnectionLoss(Exception ex) => ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException;
}
