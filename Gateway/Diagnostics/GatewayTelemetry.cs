using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Connections;
using Game.Gateway.Operators;
using Game.Gateway.Sessions;
using Game.Silo.Diagnostics;
using OpenTelemetry.Metrics;

namespace Game.Gateway.Diagnostics;

/// <summary>
/// The gateway's metrics export (README.md, "Operating it"): the game's and Orleans's meters
/// (<see cref="GameTelemetry"/>, OTLP when configured) and a Prometheus scrape endpoint at <c>/metrics</c>, an operator
/// endpoint (bearer <c>Admin:Token</c>; 404 without a configured token, 401 without the token).
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>Adds OpenTelemetry metrics with the Prometheus exporter, and the players gauge.</summary>
    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddGameTelemetry(metrics => metrics.AddPrometheusExporter());
        builder.Services.AddHostedService<GatewayGauges>();
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format) behind the operator token.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AddEndpointFilter(OperatorAccess.Filter);
        return app;
    }

    /// <summary>
    /// Creates the gauges <c>game.players.connected</c> and, with the gateway's own memory pool,
    /// <c>game.gateway.memory_pool.blocks</c> with the app (a hosted service only to be built at start).
    /// </summary>
    private sealed class GatewayGauges : IHostedService
    {
        private readonly Meter _meter;

        public GatewayGauges(IMeterFactory meters, SessionRegistry sessions, IMemoryPoolFactory<byte> pools)
        {
            _meter = GatewayMetrics.ObservePlayers(meters, sessions);
            if (pools is Connections.ConnectionMemoryPoolFactory ours) GatewayMetrics.ObservePool(_meter, ours);
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(_meter);
            return Task.CompletedTask;
        }
    }
}
