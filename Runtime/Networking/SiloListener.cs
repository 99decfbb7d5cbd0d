using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Networking;

/// <summary>
/// A silo's cluster endpoint. The socket is bound and listening as soon as the listener is constructed, so
/// <see cref="Endpoint"/> (the real port when <see cref="SiloListenerOptions.Port"/> is 0) is known before the silo sets
/// its address and joins membership; connections that arrive before <see cref="StartAsync"/> wait in the backlog.
/// Each accepted connection gets its frames handled by the <see cref="FrameDispatcher"/>: requests to the catalog,
/// stream subscriptions registered on the connection. Stands for Orleans's <c>SiloConnectionListener</c>.
/// </summary>
internal sealed class SiloListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IServiceProvider _services;
    private readonly ConnectionSettings _settings;
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private FrameDispatcher? _dispatcher;
    private NetworkIdentity? _identity;
    private Task? _acceptLoop;
    private int _started;
    private int _stopped;

    /// <summary>Binds and listens.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public SiloListener(IOptions<SiloListenerOptions> options, IOptions<ClusterNetworkingOptions> networking, IServiceProvider services, ILogger<SiloListener> logger)
    {
        var o = options.Value;
        _services = services;
        _logger = logger;
        _settings = new ConnectionSettings(networking.Value.SendQueueCapacity, networking.Value.MaxFrameBytes, logger);
        _closeTimeout = networking.Value.CloseTimeout;

        var address = ResolveBindAddress(o.Host);
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any)) _socket.DualMode = true;
            _socket.Bind(new IPEndPoint(address, o.Port));
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
        AdvertisedHost = string.IsNullOrWhiteSpace(o.AdvertisedHost) ? o.Host : o.AdvertisedHost;
    }

    /// <summary>The bound endpoint (with the actual port).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>The bound port.</summary>
    public int Port => Endpoint.Port;

    /// <summary>The host other processes reach this silo on (<see cref="SiloListenerOptions.AdvertisedHost"/>, else <see cref="SiloListenerOptions.Host"/>).</summary>
    public string AdvertisedHost { get; }

    /// <summary>Accepted connections currently open.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Starts accepting connections. Idempotent; completes at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return Task.CompletedTask;
        _dispatcher = _services.GetRequiredService<FrameDispatcher>();
        _identity = _services.GetRequiredService<NetworkIdentity>();
        NetworkingLog.Listening(_logger, Endpoint.ToString(), $"{AdvertisedHost}:{Port}");
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted: keep listening.
                NetworkingLog.ConnectionFailed(_logger, ex, "(accepting)");
                continue;
            }

            var connection = new Connection(null, _identity!.Name, _dispatcher!, _settings, c => _connections.TryRemove(c, out _));
            _connections[connection] = 0;
            connection.Start(socket);
        }
    }

    /// <summary>
    /// Stops accepting and closes every accepted connection, letting each write what it has queued (up to
    /// <see cref="ClusterNetworkingOptions.CloseTimeout"/>). Their peers see the silo as unavailable.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stopping.Cancel();
        _socket.Dispose();
        if (_acceptLoop is { } loop) await loop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys.Select(c => c.CloseAsync(_closeTimeout))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static IPAddress ResolveBindAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return ip;
        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }
}
