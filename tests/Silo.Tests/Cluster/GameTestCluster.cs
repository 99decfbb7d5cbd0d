using Game.Gateway;
using Game.Gateway.Cluster;
using Game.Gateway.Operators;
using Game.Gateway.Tests;
using Game.Grains.Interfaces;
using Game.Silo.Postgres;
using Game.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Game.Silo.Tests.Cluster;

/// <summary>
/// A game cluster in this process: Orleans's <see cref="InProcessTestCluster"/> of silos set up exactly as the product's
/// (<see cref="GameSiloHostingExtensions.AddGame"/>, grain state in a fresh PostgreSQL database), and gateways (the real
/// ASP.NET Core app on free ports) whose grain calls and room streams go through the test cluster's client.
/// </summary>
internal sealed class GameTestCluster : IAsyncDisposable
{
    private readonly List<WebApplication> _gateways = [];

    private GameTestCluster(InProcessTestCluster orleans) => Orleans = orleans;

    public InProcessTestCluster Orleans { get; }
    public IClusterClient Client => Orleans.Client;
    public IReadOnlyList<WebApplication> Gateways => _gateways;

    /// <summary>The operator token the test gateways are configured with.</summary>
    public const string OperatorToken = "cluster-test-token";

    /// <param name="postgres">A fresh database's connection string (the schema is applied here).</param>
    /// <param name="silos">Silos to start.</param>
    /// <param name="gateways">Gateways to start.</param>
    /// <param name="roomKeeper">Whether gateways run their <see cref="RoomKeeper"/>; off, only a live move keeps a room of a stopping silo going.</param>
    /// <param name="configureSilo">More configuration for each silo (e.g. <c>Services.Configure&lt;ArenaOptions&gt;</c>); none by default.</param>
    public static async Task<GameTestCluster> StartAsync(string postgres, int silos, int gateways, bool roomKeeper = true,
        Action<ISiloBuilder>? configureSilo = null)
    {
        await PostgresSchema.ApplyAsync(postgres, NullLogger.Instance, CancellationToken.None);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGame(configuration, postgres);
            configureSilo?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.AddPushStreams(RoomStreams.Provider);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        var orleans = builder.Build();
        await orleans.DeployAsync();
        var cluster = new GameTestCluster(orleans);
        for (var i = 0; i < gateways; i++) await cluster.AddGatewayAsync(roomKeeper);
        return cluster;
    }

    private async Task AddGatewayAsync(bool roomKeeper)
    {
        var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--Admin:Token={OperatorToken}"], builder =>
        {
            builder.Services.AddSingleton(Client);
            builder.Services.AddSingleton<IGrainFactory>(Client);
            builder.Services.AddSingleton<IRoomEventSource, OrleansRoomEventSource>();
            builder.Services.AddSingleton<IClusterHealth>(sp => new OrleansClusterHealth(sp));
            if (roomKeeper) builder.Services.AddHostedService<RoomKeeper>();
            builder.Services.AddHostedService<GatewayInbox>();
        }, hostSilo: false);
        app.MapClusterEndpoints();
        app.MapAnnounce();
        await app.StartAsync();
        _gateways.Add(app);
    }

    public static Uri Address(WebApplication gateway) => new(gateway.Urls.First());

    public Task<TestClient> ConnectAsync(int gateway, string label) => TestClient.ConnectAsync(Address(_gateways[gateway]), label);

    /// <summary>The silo room <paramref name="roomId"/> runs on, or null when it has no players.</summary>
    public Task<SiloAddress?> LocateRoomAsync(string roomId) => Client.GetGrain<IRoomGrain>(roomId).Locate();

    public InProcessSiloHandle SiloAt(SiloAddress address) => Orleans.Silos.Single(s => s.SiloAddress.Equals(address));

    /// <summary>Rooms per silo, from each silo's <see cref="ISiloStatsGrain"/>.</summary>
    public async Task<Dictionary<SiloAddress, int>> RoomsPerSiloAsync()
    {
        var counts = new Dictionary<SiloAddress, int>();
        foreach (var silo in Orleans.GetActiveSilos())
        {
            counts[silo.SiloAddress] = (await Client.GetGrain<ISiloStatsGrain>(silo.SiloAddress.ToParsableString()).Get()).Rooms;
        }
        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
        }
        await Orleans.DisposeAsync();
    }
}
