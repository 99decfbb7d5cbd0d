using System.Net;
using System.Net.Sockets;
using Game.Grains;
using Game.Grains.Interfaces;
using Game.Grains.Placement;
using Game.Silo.Postgres;
using Game.Streaming;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Game.Silo;

/// <summary>Hosts the game's silo: room, player and lobby grains, their storage, the room streams and the dashboard.</summary>
public static class GameSiloHostingExtensions
{
    /// <summary>
    /// The setting that switches cluster mode on, on every process: an Npgsql connection string
    /// (env <c>Cluster__Postgres</c>). Without it everything runs in one process with in-memory clustering.
    /// </summary>
    public const string PostgresKey = "Cluster:Postgres";

    /// <summary>
    /// Adds an Orleans silo with the game's grains to <paramref name="builder"/> (<c>UseOrleans</c>). Without
    /// <see cref="PostgresKey"/>: localhost clustering, memory grain storage and push streams (Streaming/), nothing to install
    /// (the embedded single-process default, co-hosted by the gateway), no periodic room checkpoints unless
    /// configuration asks for them (<see cref="ArenaOptions.PeriodicCheckpoints"/>), and new rooms packed into the tick
    /// grid's slots unless configuration says otherwise (<see cref="ArenaOptions.TickSlotRooms"/>). With it: a cluster member whose
    /// membership and grain state live in PostgreSQL (ADO.NET providers, invariant <c>Npgsql</c>; the schema is applied at start),
    /// listening on <c>Silo:Port</c> and <c>Silo:GatewayPort</c> (0 = any free port). Settings: sections <c>Arena</c>,
    /// <c>Streams</c>, <c>Cluster</c>, <c>Silo</c>, and Orleans's own under <c>Orleans:</c> (<see cref="ConfigureOrleansDefaults"/>).
    /// </summary>
    /// <param name="builder">The host builder (a gateway co-hosting its silo, or the silo process).</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddGameSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(GameClusterOptions.Section).Get<GameClusterOptions>() ?? new();
        var postgres = string.IsNullOrWhiteSpace(cluster.Postgres) ? null : PostgresSchema.WithPoolCap(cluster.Postgres);
        if (postgres is not null) builder.Services.AddHostedService(sp => new PostgresSchemaService(postgres, sp)); // before Orleans starts
        // Npgsql logs every statement at Information (3.9 MB in 10 minutes of a cluster under load): warnings only,
        // unless configuration says otherwise (Logging:LogLevel:Npgsql).
        if (builder.Configuration["Logging:LogLevel:Npgsql"] is null) builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        // Orleans's placement runs in a Polly resilience pipeline that logs two lines per placement at Information.
        if (builder.Configuration["Logging:LogLevel:Polly"] is null) builder.Logging.AddFilter("Polly", LogLevel.Warning);
        Diagnostics.GameTelemetry.AddGameTelemetry(builder); // metrics over OTLP when configured (a silo process has no /metrics)
        // The only silo, with memory storage: no other silo can resume a room, so periodic checkpoints are for nobody.
        SingleProcessDefault(nameof(ArenaOptions.PeriodicCheckpoints), o => o.PeriodicCheckpoints = false);
        // The co-hosted gateway sees each snapshot the moment its room ticks, so packed slots cost its inputs nothing.
        SingleProcessDefault(nameof(ArenaOptions.TickSlotRooms), o => o.TickSlotRooms = ArenaOptions.SingleProcessTickSlotRooms);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.Id, cluster.Id));
            silo.AddGame(builder.Configuration, postgres);
            if (postgres is null)
            {
                // One process: no other silo and no outside client, so no gateway port; a free silo port, so several
                // gateways (and tests) can run on one machine.
                silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0, serviceId: cluster.Id, clusterId: cluster.Id);
            }
            else
            {
                var endpoints = builder.Configuration.GetSection(SiloEndpointOptions.Section).Get<SiloEndpointOptions>() ?? new();
                silo.ConfigureEndpoints(IPAddress.Parse(endpoints.AdvertisedHost),
                    endpoints.Port == 0 ? FreePort() : endpoints.Port,
                    endpoints.GatewayPort == 0 ? FreePort() : endpoints.GatewayPort,
                    listenOnAnyHostAddress: false);
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresSchema.Invariant, postgres));
            }
        });
        return builder;

        // An ArenaOptions setting of the single-process default (no PostgreSQL), where configuration does not set it.
        void SingleProcessDefault(string setting, Action<ArenaOptions> apply)
        {
            if (postgres is null && builder.Configuration[$"{ArenaOptions.Section}:{setting}"] is null)
                builder.Services.PostConfigure(apply);
        }
    }

    /// <summary>
    /// Adds what a game silo holds, whatever its clustering: the game's grains and their services, the room streams
    /// (push streams, <see cref="PushStreamProvider"/>, whose rendezvous grains keep their subscribers in grain storage
    /// <see cref="PushStreamDefaults.Storage"/>), grain storage (memory without
    /// <paramref name="postgres"/>, ADO.NET on PostgreSQL with it), the dashboard, the shutdown participant that moves
    /// rooms away, and the Orleans defaults of <see cref="ConfigureOrleansDefaults"/>. Test clusters call this too.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configuration">Sections <c>Arena</c>, <c>Streams</c>, <c>Orleans:*</c>.</param>
    /// <param name="postgres">The Npgsql connection string of grain storage, or null for memory storage.</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddGame(this ISiloBuilder silo, IConfiguration configuration, string? postgres)
    {
        silo.Services.AddGameGrains();
        silo.Services.AddSingleton(new GameStorageDurability(Durable: postgres is not null));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, RoomEvacuation>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Diagnostics.RoomGauges>();
        silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        silo.Services.AddPlacementDirector<LeastRoomsPlacement, LeastRoomsPlacementDirector>();
        ConfigureOrleansDefaults(silo.Services, configuration);
        silo.AddPushStreams(RoomStreams.Provider, configuration);
        if ((configuration.GetSection(GameClusterOptions.Section).Get<GameClusterOptions>() ?? new()).DashboardEnabled(configuration)) silo.AddDashboard();
        if (postgres is null)
        {
            silo.AddMemoryGrainStorage(GameStorage.Name, o => o.Configure<Serializer>(UseOrleansSerializer));
            silo.AddMemoryGrainStorage(GameStorage.PubSub, o => o.Configure<Serializer>(UseOrleansSerializer));
        }
        else
        {
            foreach (var name in (string[])[GameStorage.Name, GameStorage.PubSub])
            {
                silo.AddAdoNetGrainStorage(name, o => o.Configure<Serializer>((s, serializer) =>
                {
                    (s.Invariant, s.ConnectionString) = (PostgresSchema.Invariant, postgres);
                    UseOrleansSerializer(s, serializer);
                }));
            }
        }
        return silo;
    }

    /// <summary>
    /// Orleans defaults the game changes (docs/orleans.md says why), then whatever configuration sets under
    /// <c>Orleans:ClusterMembership</c>, <c>Orleans:SiloMessaging</c>, <c>Orleans:Collection</c> and
    /// <c>Orleans:GrainDirectory</c>: failure detection within about 3–4 s instead of 15–60 s (probe timeout 1 s, at most
    /// 1.5 s however busy the machine, 2 missed probes), so a killed or frozen silo's rooms tick again elsewhere within
    /// 5–8 s; calls between grains give up after 3 s instead of 30 s; and a directory cache sized for 100,000 grains
    /// instead of 1,000,000.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    public static void ConfigureOrleansDefaults(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.MaxProbeTimeout = TimeSpan.FromSeconds(1.5);
            o.ExtendProbeTimeoutDuringDegradation = false;
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
        });
        services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:ClusterMembership"));
        services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(3));
        services.Configure<SiloMessagingOptions>(configuration.GetSection("Orleans:SiloMessaging"));
        services.Configure<GrainCollectionOptions>(configuration.GetSection("Orleans:Collection"));
        // Orleans sizes its directory cache's dictionary for 1,000,000 grains up front: about 9 MiB per cache before
        // the first grain (docs/performance.md, "Memory per player"). 100,000 grain locations is plenty for a silo
        // here; past that the cache evicts the least recently used and looks them up again.
        services.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
        services.Configure<GrainDirectoryOptions>(configuration.GetSection("Orleans:GrainDirectory"));
    }

    /// <summary>Grain state is stored in Orleans's own version-tolerant binary format (the types are <c>[GenerateSerializer]</c>).</summary>
    private static void UseOrleansSerializer(IStorageProviderSerializerOptions options, Serializer serializer)
        => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);

    /// <summary>A TCP port that is free on the loopback interface right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
