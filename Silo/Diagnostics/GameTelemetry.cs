using System.Diagnostics.Metrics;
using Game.Grains.Diagnostics;
using Game.Grains.Rooms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Orleans;
using Orleans.Runtime;

namespace Game.Silo.Diagnostics;

/// <summary>
/// OpenTelemetry metrics of every process (README.md, "Operating it"): the game's meters, Orleans's own
/// (<c>Microsoft.Orleans</c>) and the .NET runtime's (<c>System.Runtime</c>), exported over OTLP when an endpoint is
/// configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <see cref="OtlpEndpointKey"/>). A silo process has no HTTP
/// endpoint, so OTLP is its only export; the gateway adds the Prometheus scrape endpoint <c>/metrics</c>.
/// </summary>
public static class GameTelemetry
{
    /// <summary>
    /// The meter names exported: the gateway's, the rooms', Orleans's, and the .NET runtime's own (<c>System.Runtime</c>:
    /// garbage collections and their pause time, bytes allocated, thread-pool threads and queue length, JIT time, lock
    /// contention, CPU time, working set). The runtime's instruments but its exception count are observable, read at each
    /// export or scrape and not on the game's paths (docs/performance.md, issue 11, "Twenty-first pass").
    /// </summary>
    public static readonly string[] Meters = ["Game.Gateway", RoomMetrics.MeterName, "Microsoft.Orleans", "System.Runtime"];

    /// <summary>Configuration key of the OTLP endpoint (env <c>Telemetry__OtlpEndpoint</c>), e.g. <c>http://collector:4317</c>; the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> works too.</summary>
    public const string OtlpEndpointKey = "Telemetry:OtlpEndpoint";

    /// <summary>
    /// Adds OpenTelemetry metrics with <see cref="Meters"/> and, when configured, the OTLP exporter. Safe to call more
    /// than once (a gateway co-hosting its silo): only the first call adds anything.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">More for the meter provider (the gateway's Prometheus exporter); runs on every call.</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddGameTelemetry(this IHostApplicationBuilder builder, Action<MeterProviderBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var first = !builder.Services.Any(d => d.ServiceType == typeof(Marker));
        if (first) builder.Services.AddSingleton<Marker>();
        var endpoint = builder.Configuration[OtlpEndpointKey];
        var otlp = !string.IsNullOrWhiteSpace(endpoint) || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            if (first)
            {
                metrics.AddMeter(Meters);
                if (otlp)
                {
                    metrics.AddOtlpExporter(o =>
                    {
                        if (!string.IsNullOrWhiteSpace(endpoint)) o.Endpoint = new Uri(endpoint);
                    });
                }
            }
            configure?.Invoke(metrics);
        });
        return builder;
    }

    /// <summary>Marks a service collection that has the game's telemetry.</summary>
    private sealed class Marker;
}

/// <summary>Creates the silo's observable room gauge (<see cref="RoomMetrics.ObserveRooms"/>) when Orleans builds the silo.</summary>
internal sealed class RoomGauges(IMeterFactory meters, LocalRooms rooms) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Meter _meter = RoomMetrics.ObserveRooms(meters, rooms);

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) => GC.KeepAlive(_meter);
}
