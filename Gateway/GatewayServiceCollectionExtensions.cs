using Game.Gateway.Connections;
using Game.Gateway.Feeds;
using Game.Gateway.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Game.Gateway;

/// <summary>Registers the gateway's services (the silo's are added by <c>AddGameSilo</c>).</summary>
internal static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        // A cluster client's held inputs cross the network: a longer lead, unless configuration sets one.
        services.AddOptions<GatewayOptions>().PostConfigure<IConfiguration>((o, configuration) =>
        {
            if (!string.IsNullOrWhiteSpace(configuration[Silo.GameSiloHostingExtensions.PostgresKey])
                && configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.InputBatchLead)}"] is null)
            {
                o.InputBatchLead = GatewayOptions.ClusterInputBatchLead;
            }
        });
        services.AddOptions<WebSocketOptions>().Configure<IOptions<GatewayOptions>>((ws, gateway) => ws.KeepAliveInterval = gateway.Value.KeepAliveInterval);
        services.TryAddSingleton(TimeProvider.System);
        // Kestrel's memory pool, with blocks sized for game frames (GatewayOptions.MemoryPoolBlockBytes); replaces Kestrel's.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, ConnectionMemoryPoolFactory>();
        // The gateway's transport: /ws upgrades served on the socket, everything else handed to Kestrel (GatewayOptions.DirectUpgrade).
        // Registered after Kestrel's socket transport, so Kestrel asks it first.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, GatewayTransport>();
        // Its epoll loops for players' sockets (GatewayOptions.IoThreads; Linux only), started when the transport binds.
        services.AddSingleton<Connections.Epoll.EpollLoops>();
        services.AddSingleton<Connections.Epoll.SendBatches>();
        services.AddSingleton<RoomFeedRegistry>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<Cluster.LobbyWatchers>();
        services.AddSingleton<Cluster.GatewayIdentity>();
        services.AddOptions<Operators.AdminOptions>().BindConfiguration(Operators.AdminOptions.Section);
        services.AddSingleton<Operators.OperatorAccess>();
        services.AddSingleton<ConnectionDependencies>();
        return services;
    }
}
