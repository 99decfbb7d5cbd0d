using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using Game.Gateway.Connections.Epoll;
using Game.Gateway.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections;

/// <summary>
/// The gateway's Kestrel transport for IP endpoints: it accepts each TCP connection itself, serves a connection whose
/// first request is an allowed WebSocket upgrade of <c>/ws</c> straight on the socket, and hands every other connection
/// to Kestrel exactly as Kestrel's own socket transport would (<see cref="SocketConnectionContextFactory"/>), with every
/// byte still unread. Registered by <see cref="GatewayServiceCollectionExtensions.AddGateway"/>; Kestrel asks it first
/// (<see cref="CanBind"/>).
/// </summary>
/// <remarks>
/// <para><b>A player's connection.</b> On Linux, the socket is watched by one of the gateway's epoll loops from the
/// moment it is accepted (<see cref="EpollLoops"/>, <see cref="GatewayOptions.IoThreads"/>), and its WebSocket is the
/// gateway's own (<see cref="EpollWebSocket"/>): one <c>recv</c> per readable edge, handed to the receive loop on the
/// loop's thread, and one <c>sendmsg</c> per frame on the sender's (docs/performance.md, "Fifth pass"). No
/// asynchronous .NET call is made on such a socket, so .NET's socket engine never watches it as well. Otherwise (no
/// loops, or another system) the WebSocket is .NET's (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>,
/// with ASP.NET Core's server options) over a <see cref="NetworkStream"/> of the socket. Either way no Kestrel
/// connection, pipe, memory-pool block, I/O queue or HTTP request stays behind per player (docs/performance.md,
/// "Fourth pass").</para>
/// <para><b>Telling connections apart.</b> The first request is read with <see cref="SocketFlags.Peek"/>, so nothing is
/// consumed until <see cref="UpgradeRequest.Parse"/> says it is an upgrade of <c>/ws</c> and the origin rule
/// (<see cref="OriginPolicy"/>) and the caps (<see cref="ConnectionAdmission"/>) allow it; only then are its header bytes
/// consumed and <c>101</c> written. Another path, a refused or malformed upgrade, TLS, HTTP/2, and headers not complete
/// within Kestrel's <see cref="KestrelServerLimits.RequestHeadersTimeout"/> (on the gateway's <see cref="TimeProvider"/>)
/// reach Kestrel's HTTP layer whole and are answered there (<c>GatewayEndpoints</c>: 400, 403, 429). While a request is
/// incomplete it is peeked at again after 5 ms, doubling to at most 200 ms.</para>
/// <para><b>Off, and not used.</b> With <see cref="GatewayOptions.DirectUpgrade"/> false, and for endpoints that are not
/// IP endpoints (Unix sockets), <see cref="CanBind"/> declines and Kestrel uses its socket transport: every upgrade
/// then goes through HTTP. Kestrel's connection limits and connection logging do not see players' connections;
/// <see cref="ConnectionAdmission"/> caps them.</para>
/// <para><b>Stopping.</b> Players are closed with 1001 when the application stops (<see cref="PlayerConnection.RunAsync"/>);
/// unbinding waits for them until Kestrel's shutdown timeout, and disposing aborts what is left.</para>
/// </remarks>
internal sealed partial class GatewayTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private static readonly TimeSpan FirstPeekDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPeekDelay = TimeSpan.FromMilliseconds(200);

    private readonly IServiceProvider _services;
    private readonly SocketTransportOptions _socketOptions;
    private readonly IOptions<GatewayOptions> _gatewayOptions;
    private readonly SocketConnectionContextFactory _kestrelConnections;
    private readonly ILogger _logger;

    /// <summary>Created by dependency injection as one of Kestrel's transports.</summary>
    /// <param name="services">The application's services: the gateway's connection services are read from them at bind time.</param>
    /// <param name="socketOptions">Kestrel's socket transport options (<c>Kestrel:Sockets</c>), applied to the listen socket and to the connections handed to Kestrel.</param>
    /// <param name="gatewayOptions">The gateway's options: <see cref="GatewayOptions.DirectUpgrade"/>.</param>
    /// <param name="loggers">Loggers: this transport's, and Kestrel's socket transport's for the connections it hands over.</param>
    public GatewayTransport(IServiceProvider services, IOptions<SocketTransportOptions> socketOptions, IOptions<GatewayOptions> gatewayOptions, ILoggerFactory loggers)
    {
        _services = services;
        _socketOptions = socketOptions.Value;
        _gatewayOptions = gatewayOptions; // read at bind time, after the options are validated on start
        _logger = loggers.CreateLogger<GatewayTransport>();
        _kestrelConnections = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions
        {
            IOQueueCount = _socketOptions.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = _socketOptions.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = _socketOptions.MaxReadBufferSize,
            MaxWriteBufferSize = _socketOptions.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = _socketOptions.UnsafePreferInlineScheduling,
        }, loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
    }

    /// <summary>Whether this transport serves <paramref name="endpoint"/>: IP endpoints, when <see cref="GatewayOptions.DirectUpgrade"/> is on.</summary>
    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint && _gatewayOptions.Value.DirectUpgrade;

    /// <summary>Binds and listens on <paramref name="endpoint"/> (port 0: any free port, read back from the listener's <see cref="IConnectionListener.EndPoint"/>).</summary>
    /// <exception cref="SocketException">The address is in use or cannot be bound (Kestrel reports it as a bind failure).</exception>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        try
        {
            socket.Listen(_socketOptions.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new ValueTask<IConnectionListener>(new Listener(this, socket));
    }

    /// <summary>Disposes the factory of connections handed to Kestrel.</summary>
    public void Dispose() => _kestrelConnections.Dispose();

    /// <summary>One bound endpoint: its accept loop, the connections it hands to Kestrel, and the players it runs.</summary>
    private sealed class Listener : IConnectionListener
    {
        private readonly GatewayTransport _transport;
        private readonly Socket _listenSocket;
        private readonly Channel<ConnectionContext> _forKestrel = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
        private readonly CancellationTokenSource _unbound = new();
        private readonly ConnectionDependencies _dependencies;
        private readonly ConnectionAdmission _admission;
        private readonly CancellationToken _stopping;
        private readonly TimeSpan _headersTimeout;
        private readonly Dictionary<Socket, Served> _players = [];
        private readonly EpollLoops _loops;
        private readonly Lock _lock = new();
        private readonly Task _acceptLoop;
        private long _lastConnectionNumber;

        public Listener(GatewayTransport transport, Socket listenSocket)
        {
            _transport = transport;
            _listenSocket = listenSocket;
            EndPoint = listenSocket.LocalEndPoint!;
            var services = transport._services;
            _dependencies = services.GetRequiredService<ConnectionDependencies>();
            _admission = services.GetRequiredService<ConnectionAdmission>();
            _stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _headersTimeout = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.RequestHeadersTimeout;
            _loops = services.GetRequiredService<EpollLoops>();
            _acceptLoop = AcceptLoopAsync();
        }

        /// <inheritdoc />
        public EndPoint EndPoint { get; }

        /// <summary>The next connection for Kestrel's HTTP layer; null once unbound.</summary>
        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _forKestrel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        /// <summary>Stops accepting, then waits for the players' connections to end until <paramref name="cancellationToken"/> (Kestrel's shutdown timeout).</summary>
        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            await StopAcceptingAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(Players()).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel's shutdown timeout: DisposeAsync aborts the rest.
            }
        }

        /// <summary>Stops accepting, aborts the players' connections still open and disposes connections Kestrel did not take.</summary>
        public async ValueTask DisposeAsync()
        {
            await StopAcceptingAsync().ConfigureAwait(false);
            lock (_lock)
            {
                foreach (var (socket, served) in _players)
                {
                    // Their receive loops end as on a lost connection. An epoll loop's WebSocket closes its socket itself.
                    served.WebSocket.Abort();
                    socket.Dispose();
                }
            }
            await Task.WhenAll(Players()).ConfigureAwait(false);
            while (_forKestrel.Reader.TryRead(out var connection)) await connection.DisposeAsync().ConfigureAwait(false);
        }

        private Task[] Players()
        {
            lock (_lock) return [.. _players.Values.Select(served => served.Task)];
        }

        private async Task StopAcceptingAsync()
        {
            if (!_unbound.IsCancellationRequested) await _unbound.CancelAsync().ConfigureAwait(false);
            _listenSocket.Dispose();
            await _acceptLoop.ConfigureAwait(false);
        }

        private async Task AcceptLoopAsync()
        {
            await Task.Yield(); // off the binding thread
            try
            {
                while (true)
                {
                    Socket socket;
                    try
                    {
                        socket = await _listenSocket.AcceptAsync(_unbound.Token).ConfigureAwait(false);
                    }
                    catch (SocketException ex) when (!_unbound.IsCancellationRequested)
                    {
                        // One connection reset before it was accepted, or a transient limit (file descriptors): go on.
                        if (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
                        {
                            Log.AcceptReset(_transport._logger, ex.SocketErrorCode);
                            continue;
                        }
                        Log.AcceptFailed(_transport._logger, ex.SocketErrorCode);
                        await Task.Delay(100).ConfigureAwait(false); // a limit such as file descriptors: give it a moment
                        continue;
                    }
                    _ = ClassifyAsync(socket);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // unbound
            }
            finally
            {
                _forKestrel.Writer.TryComplete();
            }
        }

        /// <summary>Reads the first request without consuming it, and serves it (an allowed <c>/ws</c> upgrade) or hands the connection to Kestrel. Never throws.</summary>
        private async Task ClassifyAsync(Socket socket)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(UpgradeRequest.MaxHeaderBytes);
            EpollLoop.Registration? registration = null;
            try
            {
                socket.NoDelay = _transport._socketOptions.NoDelay;
                // With epoll loops, the socket is watched by one from the start, and never by .NET's socket engine: no
                // asynchronous call is made on it (that would register it there for good, and wake the engine's thread
                // at each of the player's messages as well).
                ReadableSignal? readable = null;
                if (_loops.Next() is { } loop)
                {
                    readable = new ReadableSignal();
                    registration = loop.Add((int)socket.SafeHandle.DangerousGetHandle(), readable);
                }
                var claimed = await TryClaimAsync(socket, buffer, readable).ConfigureAwait(false);
                if (claimed is { } ticket)
                {
                    Run(socket, ticket, registration);
                    registration = null; // the WebSocket's now
                    return;
                }
                Unwatch(ref registration); // Kestrel's socket engine takes it from here
                if (!_forKestrel.Writer.TryWrite(_transport._kestrelConnections.Create(socket)))
                {
                    socket.Dispose(); // unbound meanwhile
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
            {
                Unwatch(ref registration);
                socket.Dispose(); // reset or closed during the first request, or unbound during the upgrade
            }
            catch (Exception ex)
            {
                Log.ClassifyFailed(_transport._logger, ex);
                Unwatch(ref registration);
                socket.Dispose();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private static void Unwatch(ref EpollLoop.Registration? registration)
        {
            if (registration is { } watched) watched.Loop.Remove(watched);
            registration = null;
        }

        /// <summary>
        /// Peeks at the first request until it is complete. An allowed upgrade is consumed and answered <c>101</c>, and its
        /// admission ticket returned; anything else returns null with nothing consumed.
        /// </summary>
        /// <exception cref="SocketException">The connection was reset or closed before the request was whole.</exception>
        /// <param name="socket">The accepted socket.</param>
        /// <param name="buffer">Scratch of <see cref="UpgradeRequest.MaxHeaderBytes"/> bytes.</param>
        /// <param name="readable">The socket's readable edges when an epoll loop watches it, else null (.NET's socket engine then waits).</param>
        private async Task<ConnectionAdmission.Ticket?> TryClaimAsync(Socket socket, byte[] buffer, ReadableSignal? readable)
        {
            using var window = new CancellationTokenSource(_headersTimeout, _dependencies.Time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(window.Token, _unbound.Token);
            var delay = TimeSpan.Zero;
            while (true)
            {
                try
                {
                    if (delay != TimeSpan.Zero) await Task.Delay(delay, wait.Token).ConfigureAwait(false);
                    else if (readable is not null) await readable.WaitAsync(wait.Token).ConfigureAwait(false);
                    else await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null; // too slow to tell (HTTP's own header timeout takes over), or unbinding
                }
                var count = socket.Receive(buffer, 0, UpgradeRequest.MaxHeaderBytes, SocketFlags.Peek);
                if (count == 0) throw new SocketException((int)SocketError.ConnectionReset); // closed before a whole request
                var verdict = UpgradeRequest.Parse(new ReadOnlySequence<byte>(buffer, 0, count), out var request, out var headerBytes);
                if (verdict == UpgradeVerdict.NeedMore)
                {
                    // The rest is not here yet; the bytes peeked stay readable, so wait by time rather than readiness.
                    delay = delay == TimeSpan.Zero ? FirstPeekDelay : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestPeekDelay.Ticks));
                    continue;
                }
                if (verdict != UpgradeVerdict.Upgrade || Admit(socket, request) is not { } ticket) return null;
                try
                {
                    for (var consumed = 0; consumed < headerBytes;)
                    {
                        var read = socket.Receive(buffer, consumed, headerBytes - consumed, SocketFlags.None);
                        if (read == 0) throw new SocketException((int)SocketError.ConnectionReset);
                        consumed += read;
                    }
                    if (readable is null) await socket.SendAsync(request.SwitchingProtocols(), SocketFlags.None, _unbound.Token).ConfigureAwait(false);
                    else socket.Send(request.SwitchingProtocols()); // a new connection's send buffer takes it at once
                    return ticket;
                }
                catch
                {
                    ticket.Dispose();
                    throw;
                }
            }
        }

        private ConnectionAdmission.Ticket? Admit(Socket socket, in UpgradeRequest request)
        {
            // TLS never gets here (its first bytes are not a request), so the scheme is http.
            if (!OriginPolicy.Allows(request.OriginCount, request.Origin, "http", request.Host, _dependencies.Options.AllowedOrigins)) return null;
            return _admission.TryAdmit((socket.RemoteEndPoint as IPEndPoint)?.Address, out _);
        }

        /// <summary>
        /// Runs the player's connection on the socket, which the listener tracks until the connection ends: on an epoll
        /// loop's WebSocket when <paramref name="registration"/> is given, else on .NET's over a <see cref="NetworkStream"/>.
        /// </summary>
        private void Run(Socket socket, ConnectionAdmission.Ticket ticket, EpollLoop.Registration? registration)
        {
            var keepAlive = _dependencies.Options.KeepAliveInterval;
            NetworkStream? stream = null;
            WebSocket webSocket;
            if (registration is { } watched)
            {
                webSocket = new EpollWebSocket(socket, watched, keepAlive);
            }
            else
            {
                stream = new NetworkStream(socket, ownsSocket: true);
                webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = keepAlive });
            }
            // RunAsync yields first, so it cannot end (and remove itself) before it is registered here.
            lock (_lock) _players[socket] = new Served(RunAsync(socket, webSocket, stream, ticket), webSocket);
        }

        private async Task RunAsync(Socket socket, WebSocket webSocket, NetworkStream? stream, ConnectionAdmission.Ticket ticket)
        {
            await Task.Yield();
            try
            {
                using (ticket)
                using (stream)
                using (webSocket)
                {
                    GatewayMetrics.RecordUpgrade(direct: true);
                    var id = "ws-" + Interlocked.Increment(ref _lastConnectionNumber).ToString(CultureInfo.InvariantCulture);
                    var player = new PlayerConnection(webSocket, _dependencies, id, ticket);
                    await player.RunAsync(_stopping).ConfigureAwait(false);
                }
            }
            finally
            {
                lock (_lock) _players.Remove(socket);
            }
        }

        /// <summary>A player's connection the listener runs.</summary>
        /// <param name="Task">The connection's run, ending when it is closed and cleaned up.</param>
        /// <param name="WebSocket">Its WebSocket, aborted if the listener is disposed first.</param>
        private sealed record Served(Task Task, WebSocket WebSocket);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "A connection was reset before it was accepted ({Error}); accepting goes on")]
        public static partial void AcceptReset(ILogger logger, SocketError error);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Accepting a connection failed ({Error}); accepting goes on in 100 ms")]
        public static partial void AcceptFailed(ILogger logger, SocketError error);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Reading a connection's first request failed; the connection is closed")]
        public static partial void ClassifyFailed(ILogger logger, Exception exception);
    }
}
