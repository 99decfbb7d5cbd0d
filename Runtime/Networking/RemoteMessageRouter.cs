using System.Collections.Concurrent;
using Game.Runtime.Catalog;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Runtime.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Networking;

/// <summary>
/// Routes calls in a cluster (replaces <see cref="LocalMessageRouter"/>): the target's location comes from the
/// <see cref="GrainLocationCache"/>, else from <see cref="IGrainDirectory.Lookup"/>, else from
/// <see cref="IPlacementDirector.PickSiloAsync"/>; a call for this silo goes to its catalog, any other over the
/// <see cref="SiloConnectionPool"/>. In a client (gateway) nothing is delivered locally. A cached location is dropped
/// when the silo answers that it forwarded the call (a one-way call gets a <see cref="FrameKind.CacheInvalidation"/>
/// frame instead), when the call fails with <see cref="SiloUnavailableException"/>, and for every grain of a silo the
/// membership view declares dead. Stands for Orleans's <c>MessageCenter</c> and
/// <c>PlacementService</c> on the sending side.
/// </summary>
/// <remarks>
/// Hot path (location cached): one dictionary lookup, then the catalog or one pending-call entry on a connection; no
/// task or closure is allocated. A message forwarded once goes where this silo last learned the grain is (if not here),
/// else looks it up; one forwarded again always looks it up; after <see cref="MaxReroutes"/> re-routes it fails with
/// <see cref="InvalidOperationException"/> (a routing loop). Messages that miss the cache at the same time share one
/// lookup (and placement decision) per grain.
/// </remarks>
internal sealed class RemoteMessageRouter : IMessageRouter, IDisposable
{
    /// <summary>Re-routes after which a call fails (as the catalog's forward limit).</summary>
    public const int MaxReroutes = 8;

    private readonly GrainLocationCache _cache;
    private readonly SiloConnectionPool _pool;
    private readonly IGrainDirectory _directory;
    private readonly IClusterMembershipView _membership;
    private readonly IServiceProvider _services;
    private readonly NetworkIdentity _identity;
    private readonly Catalog.Catalog? _catalog;
    private readonly LocalActivationTable? _table;
    private readonly TimeProvider _time;
    private readonly TimeSpan _resolveTimeout;
    private readonly ILogger _logger;
    private readonly HashSet<SiloAddress> _deadSeen = [];
    private readonly ConcurrentDictionary<GrainId, Task<GrainAddress>> _locating = new();
    private IPlacementDirector? _placement;

    /// <summary>Creates the router; the catalog and the activation table are this silo's, null in a client.</summary>
    public RemoteMessageRouter(GrainLocationCache cache, SiloConnectionPool pool, IGrainDirectory directory, IClusterMembershipView membership,
        IServiceProvider services, NetworkIdentity identity, Catalog.Catalog? catalog, LocalActivationTable? table, TimeProvider time,
        IOptions<SiloMessagingOptions> messaging, ILogger<RemoteMessageRouter> logger)
    {
        _cache = cache;
        _pool = pool;
        _directory = directory;
        _membership = membership;
        _services = services;
        _identity = identity;
        _catalog = catalog;
        _table = table;
        _time = time;
        _resolveTimeout = messaging.Value.ResponseTimeout;
        _logger = logger;
        membership.Changed += OnMembershipChanged;
        OnMembershipChanged(membership.Current);
    }

    // Resolved on first use: a placement director may itself depend on services that depend on the router.
    private IPlacementDirector Placement => _placement ??= _services.GetRequiredService<IPlacementDirector>();

    public void Send(Message message)
    {
        if (message.ForwardCount == 1 && _identity.Silo is { } self)
        {
            // Forwarded here because this silo no longer has the grain: what this silo cached about itself is stale,
            // but a location it learned elsewhere (by the previous forward's lookup) is fresh enough to try once more;
            // a second forward does not trust the cache. Saves a directory lookup per forwarded message.
            _cache.Invalidate(message.Target, self);
            if (_cache.TryGet(message.Target, out var elsewhere))
            {
                Dispatch(message, elsewhere, fromCache: true);
                return;
            }
        }
        if (message.ForwardCount == 0 && _cache.TryGet(message.Target, out var cached))
        {
            Dispatch(message, cached, fromCache: true);
            return;
        }
        if (message.ForwardCount > MaxReroutes)
        {
            message.Reject(new InvalidOperationException($"{message} was re-routed {MaxReroutes} times; giving up."));
            return;
        }
        _ = ResolveAndSendAsync(message);
    }

    private void Dispatch(Message message, GrainAddress route, bool fromCache)
    {
        if (_catalog is not null && route.Silo == _identity.Silo)
        {
            if (fromCache && route.ActivationId != Guid.Empty && _table!.Get(message.Target) == Guid.Empty)
            {
                // The activation we cached has unregistered: locate the grain again rather than re-create it here.
                _cache.Invalidate(route);
                message.ForwardCount++;
                _ = ResolveAndSendAsync(message);
                return;
            }
            _catalog.Deliver(message);
            return;
        }
        _pool.Send(route.Silo, message, route.ActivationId);
    }

    private async Task ResolveAndSendAsync(Message message)
    {
        try
        {
            if (message.ForwardCount > MaxReroutes)
            {
                message.Reject(new InvalidOperationException($"{message} was re-routed {MaxReroutes} times; giving up."));
                return;
            }
            if (message.ForwardCount > 1) _cache.Remove(message.Target);
            var route = await LocateShared(message.Target).ConfigureAwait(false);
            Dispatch(message, route, fromCache: false);
        }
        catch (Exception ex)
        {
            if (message.Response is null) NetworkingLog.RoutingFailed(_logger, ex, message.ToString());
            message.Reject(ex);
        }
    }

    /// <summary>
    /// Where <paramref name="target"/> is (directory) or is to be activated (placement), found once for all messages that
    /// miss the cache at the same time: when many calls for one grain arrive while its location is unknown (a player's
    /// inputs while it moves to its room's silo), they share one directory lookup and one placement decision.
    /// </summary>
    private Task<GrainAddress> LocateShared(GrainId target)
    {
        while (true)
        {
            if (_locating.TryGetValue(target, out var running)) return running;
            var locate = new TaskCompletionSource<GrainAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_locating.TryAdd(target, locate.Task)) continue;
            _ = LocateAsync(target, locate);
            return locate.Task;
        }
    }

    private async Task LocateAsync(GrainId target, TaskCompletionSource<GrainAddress> result)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_resolveTimeout, _time);
            try
            {
                var registered = await _directory.Lookup(target, timeout.Token).ConfigureAwait(false);
                if (registered is not null)
                {
                    _cache.Set(registered);
                    result.TrySetResult(registered);
                    return;
                }
                var silo = await Placement.PickSiloAsync(target, timeout.Token).ConfigureAwait(false);
                var placed = new GrainAddress(target, silo, Guid.Empty);
                // Do not overwrite what a registration (with its activation id) may have cached meanwhile.
                if (!_cache.TryGet(target, out _)) _cache.Set(placed);
                result.TrySetResult(placed);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Locating {target} took longer than {_resolveTimeout.TotalMilliseconds:F0} ms.");
            }
        }
        catch (Exception ex)
        {
            result.TrySetException(ex);
        }
        finally
        {
            _locating.TryRemove(new KeyValuePair<GrainId, Task<GrainAddress>>(target, result.Task));
        }
    }

    private void OnMembershipChanged(MembershipTableSnapshot snapshot)
    {
        foreach (var entry in snapshot.Entries)
        {
            if (entry.Status != SiloStatus.Dead) continue;
            lock (_deadSeen)
            {
                if (!_deadSeen.Add(entry.Silo)) continue;
            }
            NetworkingLog.SiloDead(_logger, entry.Silo.ToString(), _cache.DropSilo(entry.Silo));
        }
    }

    public void Dispose() => _membership.Changed -= OnMembershipChanged;
}
