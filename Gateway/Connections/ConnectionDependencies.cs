using Game.Gateway.Feeds;
using Game.Gateway.Sessions;
using Orleans;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections;

/// <summary>What every <see cref="PlayerConnection"/> needs from the gateway's services (one instance per gateway).</summary>
internal sealed class ConnectionDependencies(
    IGrainFactory grains,
    RoomFeedRegistry feeds,
    SessionRegistry sessions,
    Cluster.LobbyWatchers watchers,
    Cluster.GatewayIdentity gateway,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    ILogger<PlayerConnection> logger)
{
    public IGrainFactory Grains { get; } = grains;
    public RoomFeedRegistry Feeds { get; } = feeds;
    public SessionRegistry Sessions { get; } = sessions;
    public Cluster.LobbyWatchers Watchers { get; } = watchers;
    public Cluster.GatewayIdentity Gateway { get; } = gateway;
    public TimeProvider Time { get; } = time;
    public GatewayOptions Options { get; } = options.Value;
    public ILogger Logger { get; } = logger;
}
