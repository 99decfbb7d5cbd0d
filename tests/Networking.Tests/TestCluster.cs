using Game.Runtime;
using Game.Runtime.Catalog;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Runtime.Networking;
using Game.Runtime.Placement;
using Game.Runtime.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Game.Networking.Tests;

/// <summary>
/// Several silos and clients in this process, talking over loopback TCP: a membership view and a placement the test
/// controls, and one real in-memory grain directory shared by all. Stands for Orleans's TestCluster.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TestHost> _hosts = [];

    public FakeMembershipView Membership { get; } = new();

    public FixedPlacement Placement { get; } = new();

    internal InMemoryGrainDirectory Directory { get; } = new();

    /// <summary>What every host of the cluster uses as its directory: <see cref="Directory"/>, with lookups counted.</summary>
    internal CountingGrainDirectory CountingDirectory => _counting ??= new CountingGrainDirectory(Directory);

    private CountingGrainDirectory? _counting;

    public Probe Probe { get; } = new();

    /// <summary>Starts a silo listening on a free loopback port and marks it Active in the membership view.</summary>
    public async Task<TestHost> StartSiloAsync(Dictionary<string, string?>? settings = null)
    {
        var builder = NewBuilder(settings);
        builder.UseSilo(silo => silo.AddApplicationPart(typeof(TestCluster).Assembly).AddMemoryStreams("Default"));
        builder.Services.AddClusterNetworking(isSilo: true);
        var host = new TestHost(builder.Build(), isSilo: true);
        Membership.Set(host.Address!, SiloStatus.Active);
        await host.Host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    /// <summary>Starts a client (what a gateway runs): grain factory and stream provider "Default", no catalog, no listener.</summary>
    public async Task<TestHost> StartClientAsync(Dictionary<string, string?>? settings = null)
    {
        var builder = NewBuilder(settings);
        var services = builder.Services;
        services.AddSingleton(new GrainAssemblyPart(typeof(TestCluster).Assembly));
        services.AddSingleton<GrainTypeManager>();
        services.AddSingleton<GrainFactory>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainFactory>());
        services.AddSingleton<IStreamProvider>(sp => new MemoryStreamProvider("Default", new StreamDeliveryOptions(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddClusterNetworking(isSilo: false);
        var host = new TestHost(builder.Build(), isSilo: false);
        await host.Host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    private HostApplicationBuilder NewBuilder(Dictionary<string, string?>? settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton<IGrainDirectory>(CountingDirectory);
        builder.Services.AddSingleton<IClusterMembershipView>(Membership);
        builder.Services.AddSingleton<IPlacementDirector>(Placement);
        builder.Services.AddSingleton(Probe);
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in Probe.Gates.Values) gate.TrySetResult();
        foreach (var host in Enumerable.Reverse(_hosts)) await host.DisposeAsync();
    }
}

/// <summary>One silo or client of a <see cref="TestCluster"/>.</summary>
public sealed class TestHost(IHost host, bool isSilo) : IAsyncDisposable
{
    private int _stopped;

    public IHost Host { get; } = host;

    public IServiceProvider Services => Host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public bool IsSilo { get; } = isSilo;

    /// <summary>The silo's address; null for a client.</summary>
    public SiloAddress? Address => IsSilo ? Services.GetRequiredService<ILocalSiloDetails>().SiloAddress : null;

    internal SiloConnectionPool Pool => Services.GetRequiredService<SiloConnectionPool>();

    internal GrainLocationCache Cache => Services.GetRequiredService<GrainLocationCache>();

    internal RemoteStreamSubscribers Subscribers => Services.GetRequiredService<RemoteStreamSubscribers>();

    public IStreamProvider Streams => Services.GetStreamProvider("Default");

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await Host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else Host.Dispose();
    }
}
