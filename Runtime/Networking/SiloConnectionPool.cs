using System.Collections.Concurrent;
using Game.Runtime.Catalog;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Networking;

/// <summary>
/// One persistent outbound connection per remote silo, for silos and gateways alike (see <see cref="SiloConnection"/>).
/// Calls to a silo the membership view declared dead, or whose connection is failing, fail fast with
/// <see cref="SiloUnavailableException"/>. Each two-way call has a deadline of
/// <see cref="SiloMessagingOptions.ResponseTimeout"/>; one timer sweeps the pending calls every 100 ms and fails the late
/// ones with <see cref="TimeoutException"/>. Stands for Orleans's <c>ConnectionManager</c>.
/// </summary>
internal sealed class SiloConnectionPool : IAsyncDisposable
{
    /// <summary>How often pending calls are checked for their deadline.</summary>
    public static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<SiloAddress, SiloConnection> _silos = new();
    private readonly ConcurrentDictionary<SiloAddress, byte> _dead = new();
    private readonly IServiceProvider _services;
    private readonly NetworkIdentity _identity;
    private readonly IClusterMembershipView _membership;
    private readonly GrainLocationCache _cache;
    private readonly ConnectionSettings _settings;
    private readonly TimeSpan _responseTimeout;
    private readonly long _responseTimeoutTicks;
    private readonly ITimer _sweeper;
    private FrameDispatcher? _dispatcher;
    private int _disposed;

    public SiloConnectionPool(IServiceProvider services, NetworkIdentity identity, IClusterMembershipView membership, GrainLocationCache cache,
        TimeProvider time, IOptions<ClusterNetworkingOptions> options, IOptions<SiloMessagingOptions> messaging, ILogger<SiloConnectionPool> logger)
    {
        _services = services;
        _identity = identity;
        _membership = membership;
        _cache = cache;
        Time = time;
        Options = options.Value;
        Logger = logger;
        _settings = new ConnectionSettings(Options.SendQueueCapacity, Options.MaxFrameBytes, logger);
        _responseTimeout = messaging.Value.ResponseTimeout;
        _responseTimeoutTicks = (long)(_responseTimeout.TotalSeconds * time.TimestampFrequency);
        membership.Changed += OnMembershipChanged;
        OnMembershipChanged(membership.Current);
        _sweeper = time.CreateTimer(static s => ((SiloConnectionPool)s!).SweepTimeouts(), this, SweepPeriod, SweepPeriod);
    }

    public TimeProvider Time { get; }

    public ClusterNetworkingOptions Options { get; }

    public ILogger Logger { get; }

    /// <summary>Raised (on a pool thread) each time a connection to a silo is established, before anything but Hello was read.</summary>
    public event Action<SiloAddress, Connection>? Connected;

    /// <summary>Whether the membership view declared <paramref name="silo"/> dead.</summary>
    public bool IsDead(SiloAddress silo) => _dead.ContainsKey(silo);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="silo"/>. Never throws: a dead or unreachable silo fails the
    /// call with <see cref="SiloUnavailableException"/> (and drops the cached location), a late answer with <see cref="TimeoutException"/>.
    /// </summary>
    /// <param name="silo">The silo hosting (or chosen to host) the target.</param>
    /// <param name="message">The call.</param>
    /// <param name="expectedActivation">The activation the caller believes it reaches; empty when it does not know.</param>
    public void Send(SiloAddress silo, Message message, Guid expectedActivation)
    {
        var connection = Acquire(silo);
        if (connection is null)
        {
            _cache.Invalidate(message.Target, silo);
            var why = IsDead(silo) ? "is dead" : _disposed != 0 ? "is not reachable: this process is stopping" : "is unreachable (reconnecting)";
            if (message.Response is null) NetworkingLog.OneWayNotSent(Logger, message.ToString(), silo.ToString(), why);
            message.Reject(new SiloUnavailableException($"Silo {silo} {why}; {message} was not sent."));
            return;
        }
        connection.SendCall(new PendingCall(message, silo, expectedActivation, _cache, Time.GetTimestamp() + _responseTimeoutTicks, _responseTimeout));
    }

    /// <summary>Queues a control frame to <paramref name="silo"/>, connecting if needed. False if the silo is dead, backing off, or the frame was not queued.</summary>
    public bool TrySend(SiloAddress silo, OutboundFrame frame)
        => Acquire(silo) is { } connection && connection.TrySend(frame);

    /// <summary>Connects to <paramref name="silo"/> if not connected (no-op when dead or backing off).</summary>
    public void EnsureConnected(SiloAddress silo)
    {
        Acquire(silo);
    }

    /// <summary>The open connections to silos.</summary>
    public IEnumerable<Connection> OpenConnections
    {
        get
        {
            foreach (var silo in _silos.Values)
            {
                if (silo.Current is { IsClosed: false } connection) yield return connection;
            }
        }
    }

    /// <summary>Pings <paramref name="silo"/> over its pool connection; false when it does not answer before the token, is dead, or cannot be reached.</summary>
    public async Task<bool> PingAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        if (Acquire(silo) is not { } connection) return false;
        return await connection.PingAsync(cancellationToken).ConfigureAwait(false);
    }

    internal Connection CreateOutbound(SiloAddress silo, Action<Connection> onClosed)
    {
        _dispatcher ??= _services.GetRequiredService<FrameDispatcher>();
        return new Connection(silo, _identity.Name, _dispatcher, _settings, onClosed);
    }

    internal void OnConnected(SiloAddress silo, Connection connection) => Connected?.Invoke(silo, connection);

    /// <summary>The open or connecting connection to <paramref name="silo"/>; null when it is dead, backing off, or the pool is disposed.</summary>
    private Connection? Acquire(SiloAddress silo)
    {
        if (IsDead(silo) || Volatile.Read(ref _disposed) != 0) return null;
        return For(silo).Acquire();
    }

    private SiloConnection For(SiloAddress silo)
        => _silos.TryGetValue(silo, out var existing) ? existing : _silos.GetOrAdd(silo, static (s, pool) => new SiloConnection(pool, s), this);

    private void OnMembershipChanged(MembershipTableSnapshot snapshot)
    {
        foreach (var entry in snapshot.Entries)
        {
            if (entry.Status != SiloStatus.Dead || !_dead.TryAdd(entry.Silo, 0)) continue;
            if (_silos.TryRemove(entry.Silo, out var link))
                _ = link.CloseAsync(TimeSpan.Zero, new SiloUnavailableException($"Silo {entry.Silo} was declared dead."));
        }
    }

    private void SweepTimeouts()
    {
        var now = Time.GetTimestamp();
        foreach (var silo in _silos.Values) silo.Current?.SweepTimeouts(now);
    }

    /// <summary>Stops reconnecting and closes every connection, letting each write what it has queued for up to <see cref="ClusterNetworkingOptions.CloseTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _membership.Changed -= OnMembershipChanged;
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_silos.Values.Select(s => s.CloseAsync(Options.CloseTimeout, null))).ConfigureAwait(false);
        _silos.Clear();
    }
}
