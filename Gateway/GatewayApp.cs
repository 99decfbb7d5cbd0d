using Game.Silo;

namespace Game.Gateway;

/// <summary>Builds the gateway: the WebSocket endpoint of wire protocol v1 (shared protocol.md), the browser client and a co-hosted silo.</summary>
public static class GatewayApp
{
    /// <summary>
    /// Builds the whole app: a silo in this process (<c>AddGameSilo</c>), the browser client from
    /// <c>wwwroot/</c> beside the binary (index.html at <c>/</c>), the WebSocket endpoint <c>/ws</c>, and
    /// <c>GET /healthz</c> (200 when the silo is active, else 503). Options: section <see cref="GatewayOptions.Section"/>.
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:0</c> (a free port; read it from <c>app.Urls</c> after start).</param>
    /// <param name="configure">Runs last before building: override configuration or services (tests).</param>
    /// <returns>The app, not started.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">On start, when <see cref="GatewayOptions"/> are invalid.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
        => Build(args, configure, hostSilo: true);

    /// <summary>Builds the app; without <paramref name="hostSilo"/> the grain factory, stream provider and silo status come from <paramref name="configure"/> (tests; later a cluster client).</summary>
    internal static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure, bool hostSilo)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var cluster = builder.Configuration[GameSiloHostingExtensions.PostgresKey];
        var clustered = !string.IsNullOrWhiteSpace(cluster);
        if (clustered)
        {
            // Cluster mode: no grains here; the silos are reached over the network.
            builder.AddGameClusterClient(cluster!);
            builder.Services.AddHostedService<Cluster.RoomKeeper>();
        }
        else if (hostSilo)
        {
            builder.AddGameSilo();
        }
        builder.Services.AddGateway();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGateway();
        if (clustered) Cluster.ClusterEndpoints.MapClusterEndpoints(app);
        return app;
    }
}
