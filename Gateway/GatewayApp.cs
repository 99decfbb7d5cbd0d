using Orleans;
using Game.Gateway.Cluster;
using Game.Gateway.Diagnostics;
using Game.Gateway.Operators;
using Game.Grains.Interfaces;
using Game.Silo;
using Game.Streaming;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Game.Gateway;

/// <summary>Builds the gateway: the WebSocket endpoint of wire protocol v1 (shared protocol.md), the browser client and a co-hosted silo.</summary>
public static class GatewayApp
{
    /// <summary>
    /// Builds the whole app: an Orleans silo in this process (<c>AddGameSilo</c>), or, with <c>Cluster:Postgres</c> set,
    /// an Orleans client of that cluster; the browser client from <c>wwwroot/</c> beside the binary (index.html at
    /// <c>/</c>), the WebSocket endpoint <c>/ws</c>, <c>GET /healthz</c> (200 when grain calls can be made, else 503),
    /// the Orleans Dashboard at <c>/dashboard</c>, and in cluster mode the operator endpoints under <c>/cluster</c>; the
    /// dashboard and operator endpoints need the operator token <c>Admin:Token</c> (bearer, or the cookie from
    /// <c>/admin/signin</c>) and answer 404 without one configured.
    /// Options: section <see cref="GatewayOptions.Section"/>.
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:0</c> (a free port; read it from <c>app.Urls</c> after start).</param>
    /// <param name="configure">Runs last before building: override configuration or services (tests).</param>
    /// <returns>The app, not started.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">On start, when <see cref="GatewayOptions"/> are invalid.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
        => Build(args, configure, hostSilo: true);

    /// <summary>Builds the app; without <paramref name="hostSilo"/> the grain factory, room streams and health come from <paramref name="configure"/> (tests).</summary>
    internal static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure, bool hostSilo)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var cluster = builder.Configuration.GetSection(GameClusterOptions.Section).Get<GameClusterOptions>() ?? new();
        var clustered = !string.IsNullOrWhiteSpace(cluster.Postgres);
        if (clustered)
        {
            AddClusterClient(builder, cluster);
            builder.Services.AddHostedService<RoomKeeper>();
        }
        else if (hostSilo)
        {
            builder.AddGameSilo();
        }
        if (clustered || hostSilo)
        {
            builder.Services.AddSingleton<IRoomEventSource, OrleansRoomEventSource>();
            builder.Services.AddHostedService<GatewayInbox>();
            builder.Services.AddSingleton<OrleansClusterHealth>();
            builder.Services.AddSingleton<IClusterHealth>(sp => sp.GetRequiredService<OrleansClusterHealth>());
            builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<OrleansClusterHealth>());
        }
        builder.Services.AddGateway();
        // Kestrel's socket transport (IOQueueCount, UnsafePreferInlineScheduling, ...) from "Kestrel:Sockets", measured in
        // docs/performance.md, "Scheduling"; the defaults are Kestrel's.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(builder.Configuration.GetSection("Kestrel:Sockets"));
        builder.Services.TryAddSingleton<Connections.ConnectionAdmission>(); // /ws caps (GatewayOptions.MaxConnectionsPerIp, MaxUngreetedConnections)
        builder.AddGatewayTelemetry(); // metrics: Prometheus /metrics, OTLP when configured (README.md, "Operating it")
        configure?.Invoke(builder);

        var app = builder.Build();
        OperatorAccess.RequireOperator(app, "/dashboard"); // operator page: the token or the sign-in cookie (shared protocol.md v1.1)
        app.MapGateway();
        app.MapSignIn();
        app.MapMetrics();
        if ((clustered || hostSilo) && cluster.DashboardEnabled(builder.Configuration)) app.MapOrleansDashboard(routePrefix: "/dashboard");
        if (clustered) app.MapClusterEndpoints();
        if (clustered || hostSilo) app.MapAnnounce();
        return app;
    }

    /// <summary>
    /// Makes this process an Orleans client of the cluster in <paramref name="cluster"/>: it finds silo gateways in the
    /// ADO.NET membership table and reads room streams through them. Two Orleans defaults would stall players when a
    /// silo dies or freezes and are set here: the gateway list is refreshed every second (default 60 s), and a call
    /// gives up after 5 s (default 30 s).
    /// </summary>
    private static void AddClusterClient(WebApplicationBuilder builder, GameClusterOptions cluster)
    {
        var postgres = Silo.Postgres.PostgresSchema.WithPoolCap(cluster.Postgres!);
        builder.Services.AddHostedService(sp => new PostgresSchemaService(postgres, sp)); // before the client starts
        if (builder.Configuration["Logging:LogLevel:Npgsql"] is null) builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.Id, cluster.Id));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (Silo.Postgres.PostgresSchema.Invariant, postgres));
            client.AddPushStreams(RoomStreams.Provider, builder.Configuration);
            client.Configure<global::Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            client.Configure<global::Orleans.Configuration.GatewayOptions>(builder.Configuration.GetSection("Orleans:Gateway"));
            client.Configure<ClientMessagingOptions>(builder.Configuration.GetSection("Orleans:ClientMessaging"));
            if (cluster.DashboardEnabled(builder.Configuration)) client.AddDashboard();
        });
    }
}
