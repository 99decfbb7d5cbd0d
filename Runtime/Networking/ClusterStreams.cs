using System.Collections.Concurrent;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Microsoft.Extensions.Logging;

namespace Game.Runtime.Networking;

/// <summary>
/// Keeps this process's stream subscriptions registered on every silo that might publish: a stream with local
/// subscribers is subscribed on each active silo (except this one), on silos that become active later, and again on
/// every new connection after a reconnect (subscribing is idempotent on the silo). Routes incoming stream items to the
/// provider they name.
/// </summary>
internal sealed class ClusterStreams : IDisposable
{
    private readonly ConcurrentDictionary<string, ClusterStreamProvider> _providers = new(StringComparer.Ordinal);
    private readonly SiloConnectionPool _pool;
    private readonly IClusterMembershipView _membership;
    private readonly NetworkIdentity _identity;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private HashSet<SiloAddress> _knownActive = [];

    public ClusterStreams(SiloConnectionPool pool, RemoteStreamSubscribers subscribers, IClusterMembershipView membership, NetworkIdentity identity,
        ILogger<ClusterStreams> logger)
    {
        _pool = pool;
        Subscribers = subscribers;
        _membership = membership;
        _identity = identity;
        _logger = logger;
        lock (_lock) _knownActive = [.. membership.ActiveSilos.Select(e => e.Silo)];
        pool.Connected += OnConnected;
        membership.Changed += OnMembershipChanged;
    }

    /// <summary>Connections that subscribed to streams published here.</summary>
    public RemoteStreamSubscribers Subscribers { get; }

    public void Register(ClusterStreamProvider provider)
    {
        if (!_providers.TryAdd(provider.Name, provider))
            throw new InvalidOperationException($"Two cluster stream providers are named '{provider.Name}'.");
    }

    private bool HasInterest => _providers.Values.Any(p => p.Interest.Count > 0);

    /// <summary>A stream got its first local subscriber: ask every active silo for its items.</summary>
    public void SubscribeEverywhere(StreamKey key)
    {
        var frame = new StreamControlFrame(FrameKind.StreamSubscribe, key);
        foreach (var silo in OtherActiveSilos()) _pool.TrySend(silo, frame);
    }

    /// <summary>A stream lost its last local subscriber: withdraw it from every silo it is connected to.</summary>
    public void UnsubscribeEverywhere(StreamKey key)
    {
        var frame = new StreamControlFrame(FrameKind.StreamUnsubscribe, key);
        foreach (var connection in _pool.OpenConnections) connection.TrySend(frame);
    }

    /// <summary>StreamItem: <c>string provider, string namespace, string key, string item type</c>, then the JSON item.</summary>
    public void OnItem(Connection connection, ReadOnlySpan<byte> payload)
    {
        var reader = new FrameReader(payload);
        var key = StreamKey.Read(ref reader);
        if (!_providers.TryGetValue(key.Provider, out var provider)) return;
        try
        {
            provider.DeliverRemote(key, reader.Remaining);
        }
        catch (Exception ex)
        {
            NetworkingLog.BadStreamItem(_logger, ex, key.ToString(), connection.Description);
        }
    }

    private IEnumerable<SiloAddress> OtherActiveSilos()
    {
        var self = _identity.Silo;
        foreach (var entry in _membership.ActiveSilos)
        {
            if (entry.Silo != self) yield return entry.Silo;
        }
    }

    private void OnConnected(SiloAddress silo, Connection connection) => SendAll(connection);

    private void SendAll(Connection connection)
    {
        foreach (var provider in _providers.Values)
        {
            foreach (var key in provider.Interest) connection.TrySend(new StreamControlFrame(FrameKind.StreamSubscribe, key));
        }
    }

    private void OnMembershipChanged(MembershipTableSnapshot snapshot)
    {
        List<SiloAddress> added = [];
        lock (_lock)
        {
            var active = _membership.ActiveSilos.Select(e => e.Silo).ToHashSet();
            added.AddRange(active.Where(s => !_knownActive.Contains(s)));
            _knownActive = active;
        }
        if (!HasInterest) return;
        var self = _identity.Silo;
        foreach (var silo in added)
        {
            if (silo == self) continue;
            foreach (var provider in _providers.Values)
            {
                foreach (var key in provider.Interest) _pool.TrySend(silo, new StreamControlFrame(FrameKind.StreamSubscribe, key));
            }
        }
    }

    public void Dispose()
    {
        _pool.Connected -= OnConnected;
        _membership.Changed -= OnMembershipChanged;
    }
}
