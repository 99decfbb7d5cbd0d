using Game.Runtime.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Game.Runtime.Networking;

/// <summary>Handles a frame kind the networking layer does not define (e.g. <see cref="FrameKind.ActivateWithState"/>).</summary>
internal delegate void FramePayloadHandler(Connection connection, ReadOnlySpan<byte> payload);

/// <summary>
/// This process's handler of incoming frames, on every connection (accepted or outbound): Hello of accepted
/// connections, Requests (in a silo: to the catalog, or re-routed when the caller's cached activation is gone),
/// stream subscriptions of peers, and stream items for local subscribers.
/// </summary>
internal sealed class FrameDispatcher : IFrameHandler
{
    private readonly IServiceProvider _services;
    private readonly NetworkIdentity _identity;
    private readonly RemoteStreamSubscribers _subscribers;
    private readonly ILogger _logger;
    private ClusterStreams? _streams;
    private GrainLocationCache? _cache;
    private SiloParts? _silo;

    public FrameDispatcher(IServiceProvider services, NetworkIdentity identity, RemoteStreamSubscribers subscribers, ILogger<FrameDispatcher> logger)
    {
        _services = services;
        _identity = identity;
        _subscribers = subscribers;
        _logger = logger;
    }

    /// <summary>Handles <see cref="FrameKind.ActivateWithState"/> frames (live migration); null ignores them with a warning.</summary>
    public FramePayloadHandler? ActivateWithState { get; set; }

    private ClusterStreams Streams => _streams ??= _services.GetRequiredService<ClusterStreams>();

    private GrainLocationCache Cache => _cache ??= _services.GetRequiredService<GrainLocationCache>();

    // Resolved on the first request, not in the constructor: the catalog and the router depend on networking services.
    private SiloParts? Silo => _identity.IsSilo ? _silo ??= new SiloParts(
        _services.GetRequiredService<Catalog.Catalog>(), _services.GetRequiredService<IMessageRouter>(),
        _services.GetRequiredService<GrainMethodLookup>(), _services.GetRequiredService<LocalActivationTable>()) : null;

    public void OnHello(Connection connection, string name, long expectedGeneration)
    {
        connection.PeerName = name;
        var own = _identity.Silo;
        if (expectedGeneration != 0 && own is not null && own.Generation != expectedGeneration)
        {
            // A caller still routing to this silo's predecessor on the same endpoint: refuse before running any of its calls.
            NetworkingLog.GenerationMismatch(_logger, name, expectedGeneration, own.Generation);
            connection.StopReceiving();
            connection.TrySend(new HelloFrame(_identity.Name, own.Generation));
            _ = connection.CloseAsync(TimeSpan.FromSeconds(1));
            return;
        }
        connection.TrySend(new HelloFrame(_identity.Name, own?.Generation ?? 0));
    }

    public void OnFrame(Connection connection, FrameKind kind, ReadOnlySpan<byte> payload)
    {
        switch (kind)
        {
            case FrameKind.Request:
                OnRequest(connection, payload);
                break;
            case FrameKind.StreamSubscribe:
            {
                var reader = new FrameReader(payload);
                _subscribers.Add(connection, StreamKey.Read(ref reader));
                break;
            }
            case FrameKind.StreamUnsubscribe:
            {
                var reader = new FrameReader(payload);
                _subscribers.Remove(connection, StreamKey.Read(ref reader));
                break;
            }
            case FrameKind.StreamItem:
                Streams.OnItem(connection, payload);
                break;
            case FrameKind.CacheInvalidation when connection.RemoteSilo is { } silo:
            {
                var reader = new FrameReader(payload);
                var grain = new GrainId(reader.ReadString(), reader.ReadString());
                Cache.Invalidate(grain, silo);
                break;
            }
            case FrameKind.ActivateWithState when ActivateWithState is { } handler:
                handler(connection, payload);
                break;
            default:
                NetworkingLog.FrameIgnored(_logger, kind.ToString(), connection.Description, "no handler for this kind");
                break;
        }
    }

    public void OnClosed(Connection connection) => _subscribers.RemoveConnection(connection);

    private void OnRequest(Connection connection, ReadOnlySpan<byte> payload)
    {
        // Framing first: a malformed frame throws here and closes the connection.
        var reader = new FrameReader(payload);
        var callId = reader.ReadInt64();
        var oneWay = (reader.ReadByte() & RequestFlags.OneWay) != 0;
        var expectedActivation = reader.ReadGuid();
        var grainType = reader.ReadUtf8();
        var key = reader.ReadString();
        var grainInterface = reader.ReadUtf8();
        var methodName = reader.ReadUtf8();
        var parameterCount = (int)reader.ReadVarUInt();

        if (Silo is not { } silo)
        {
            if (!oneWay) RemoteResponseSink.SendError(connection, callId, new InvalidOperationException($"{_identity.Name} is not a silo; it hosts no grains."));
            return;
        }

        GrainId target;
        GrainMethod method;
        MethodWireInfo wire;
        object?[] args;
        try
        {
            (var type, method) = silo.Methods.Find(grainType, grainInterface, methodName, parameterCount);
            target = new GrainId(type, key);
            wire = MethodWireInfo.For(method);
            args = wire.ReadArguments(reader.Remaining);
        }
        catch (Exception ex)
        {
            NetworkingLog.BadRequest(_logger, ex, connection.Description);
            if (!oneWay) RemoteResponseSink.SendError(connection, callId, ex);
            return;
        }

        var sink = oneWay ? null : new RemoteResponseSink(connection, callId, wire, silo.Table);
        var message = new Message(target, method, args, sink);
        if (sink is not null) sink.Message = message;

        if (expectedActivation != Guid.Empty && silo.Table.Get(target) == Guid.Empty)
        {
            // The caller's cache names an activation this silo no longer has: locate the grain again (directory,
            // then placement) instead of re-creating it here. The response says "forwarded" so the caller re-resolves;
            // a one-way call has no response, so the caller is told at once (else every later one-way call, e.g. each
            // player input after the player moved, would be forwarded again).
            message.ForwardCount++;
            if (oneWay) connection.TrySend(new CacheInvalidationFrame(target));
            silo.Router.Send(message);
            return;
        }
        silo.Catalog.Deliver(message);
    }

    private sealed record SiloParts(Catalog.Catalog Catalog, IMessageRouter Router, GrainMethodLookup Methods, LocalActivationTable Table);
}
