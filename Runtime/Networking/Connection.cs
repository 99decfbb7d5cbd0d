using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Game.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace Game.Runtime.Networking;

/// <summary>
/// One TCP connection between two processes of the cluster, used both ways: one receive loop and one send loop over
/// System.IO.Pipelines, a bounded outgoing queue, and the calls it has sent and not yet had answered. Split by concern:
/// this file (lifecycle), <c>.Send</c>, <c>.Receive</c>, <c>.Calls</c> (pending calls, timeouts, pings).
/// </summary>
/// <remarks>
/// Closing fails every pending call with <see cref="SiloUnavailableException"/> at once. A connection is never reopened:
/// the pool makes a new one. A peer closing the socket is a normal close, not an error.
/// </remarks>
internal sealed partial class Connection
{
    private readonly Channel<OutboundFrame> _outbox = Channel.CreateUnbounded<OutboundFrame>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IFrameHandler _handler;
    private readonly ConnectionSettings _settings;
    private readonly Action<Connection>? _onClosed;
    private Socket? _socket;
    private Task? _sendLoop;
    private int _aborted;
    private volatile bool _isClosed;

    /// <summary>Creates a connection; <see cref="Start"/> attaches the socket.</summary>
    /// <param name="remoteSilo">The silo an outbound connection goes to (it sends Hello first); null for an accepted one.</param>
    /// <param name="localName">This process's name in Hello frames (a silo address, or <c>client:&lt;guid&gt;</c>).</param>
    /// <param name="handler">Handles the frames the connection does not.</param>
    /// <param name="settings">Limits and logger.</param>
    /// <param name="onClosed">Called once when the connection closes, before <see cref="Closed"/> completes.</param>
    public Connection(SiloAddress? remoteSilo, string localName, IFrameHandler handler, ConnectionSettings settings, Action<Connection>? onClosed = null)
    {
        RemoteSilo = remoteSilo;
        _handler = handler;
        _settings = settings;
        _onClosed = onClosed;
        // Hello is the first frame out: the accepting side reads it before anything else.
        if (remoteSilo is not null) TrySend(new HelloFrame(localName, remoteSilo.Generation));
    }

    /// <summary>The silo an outbound connection goes to; null for an accepted connection.</summary>
    public SiloAddress? RemoteSilo { get; }

    public bool IsOutbound => RemoteSilo is not null;

    /// <summary>The peer's name from its Hello (a silo address or <c>client:&lt;guid&gt;</c>), once received.</summary>
    public string? PeerName { get; internal set; }

    public EndPoint? RemoteEndPoint { get; private set; }

    /// <summary>For logs: the peer's name, silo or endpoint.</summary>
    public string Description => PeerName ?? RemoteSilo?.ToString() ?? RemoteEndPoint?.ToString() ?? "(connecting)";

    public ILogger Logger => _settings.Logger;

    public bool IsClosed => _isClosed;

    /// <summary>Completes when the connection has closed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why it closed: null for a normal close.</summary>
    public Exception? CloseReason { get; private set; }

    /// <summary>The stream subscriptions peers made on this connection (guarded by <see cref="RemoteStreamSubscribers"/>).</summary>
    internal HashSet<StreamKey> StreamSubscriptions { get; } = [];

    /// <summary>Attaches the connected socket and starts the receive and send loops.</summary>
    public void Start(Socket socket)
    {
        socket.NoDelay = true;
        _socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint;
        var stream = new NetworkStream(socket, ownsSocket: false);
        var input = System.IO.Pipelines.PipeReader.Create(stream, new System.IO.Pipelines.StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true));
        var output = System.IO.Pipelines.PipeWriter.Create(stream, new System.IO.Pipelines.StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        _sendLoop = Task.Run(() => SendLoopAsync(output));
        _ = Task.Run(() => ReceiveLoopAsync(input));
        NetworkingLog.ConnectionOpened(Logger, Description);
        if (_isClosed) socket.Dispose(); // aborted while starting
    }

    /// <summary>Closes now: the socket is disposed, pending calls fail with <see cref="SiloUnavailableException"/>, queued frames are dropped. Idempotent.</summary>
    /// <param name="reason">Why; null for a normal close.</param>
    public void Abort(Exception? reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0) return;
        _isClosed = true;
        CloseReason = reason;
        _outbox.Writer.TryComplete();
        try
        {
            _socket?.Dispose();
        }
        catch (Exception)
        {
            // Disposing a broken socket may throw; it is closed either way.
        }

        FailPending(reason);
        if (reason is null or EndOfStreamException or SiloUnavailableException or ObjectDisposedException or IOException or SocketException)
            NetworkingLog.ConnectionClosed(Logger, Description, reason?.Message ?? "closed");
        else
            NetworkingLog.ConnectionFailed(Logger, reason, Description);

        try
        {
            _onClosed?.Invoke(this);
            _handler.OnClosed(this);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>Writes what is already queued (up to <paramref name="timeout"/>), then closes. New frames are refused from now on.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _outbox.Writer.TryComplete();
        if (_sendLoop is { } loop)
        {
            try
            {
                await loop.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The peer is not reading: abort below.
            }
        }
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception)
        {
            // Already closed by the peer.
        }
        Abort(null);
    }

    public override string ToString() => $"[Connection {Description}{(IsClosed ? " closed" : "")}]";
}
