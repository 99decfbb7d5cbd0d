using Game.Gateway;
using Game.Runtime;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Game.Clustering.Tests.Cluster;

/// <summary>
/// An in-process test cluster (like Orleans's TestCluster): silos and gateways as separate hosts, each on its own
/// loopback ports, sharing one fresh PostgreSQL database. Silos can be added, stopped gracefully, or killed
/// (disposed without shutdown: no goodbye in the membership table, no deactivation).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly List<IHost> _silos = [];
    private readonly List<WebApplication> _gateways = [];

    private readonly Dictionary<string, string?> _settings;

    private TestCluster(string connectionString, bool defaultTimings)
    {
        _connectionString = connectionString;
        _settings = new Dictionary<string, string?>(Settings);
        if (defaultTimings)
        {
            foreach (var key in Settings.Keys.Where(k => k.StartsWith("Cluster:Membership:", StringComparison.Ordinal)).ToList()) _settings.Remove(key);
        }
    }

    /// <summary>Fast failure detection for tests: heartbeats every 250 ms, dead after 2 s of silence.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Cluster:Membership:IAmAliveInterval"] = "00:00:00.250",
        ["Cluster:Membership:ProbeInterval"] = "00:00:00.250",
        ["Cluster:Membership:DeathTimeout"] = "00:00:02",
        ["Cluster:Membership:ProbeTimeout"] = "00:00:00.500",
        ["Cluster:Membership:TableRefreshInterval"] = "00:00:00.500",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public IReadOnlyList<IHost> Silos => _silos;

    public IReadOnlyList<WebApplication> Gateways => _gateways;

    /// <summary>Starts <paramref name="silos"/> silos (at once) and then <paramref name="gateways"/> gateways on <paramref name="connectionString"/>'s database.</summary>
    /// <param name="connectionString">A fresh database for this cluster.</param>
    /// <param name="silos">Silos to start.</param>
    /// <param name="gateways">Gateways to start after them.</param>
    /// <param name="defaultTimings">Use the product's membership timings (for measurements) instead of the fast test ones.</param>
    public static async Task<TestCluster> StartAsync(string connectionString, int silos, int gateways, bool defaultTimings = false)
    {
        var cluster = new TestCluster(connectionString, defaultTimings);
        await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.AddSiloAsync()));
        for (var i = 0; i < gateways; i++) await cluster.AddGatewayAsync();
        return cluster;
    }

    public async Task<IHost> AddSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [GameSiloHostingExtensions.PostgresKey] = _connectionString,
            ["Silo:Port"] = "0",
        });
        builder.Services.AddLogging();
        builder.AddGameSilo();
        var host = builder.Build();
        await host.StartAsync();
        lock (_silos) _silos.Add(host);
        return host;
    }

    public async Task<WebApplication> AddGatewayAsync()
    {
        var args = new List<string> { "--urls", "http://127.0.0.1:0", $"--{GameSiloHostingExtensions.PostgresKey}={_connectionString}" };
        args.AddRange(_settings.Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = GatewayApp.Build([.. args]);
        await app.StartAsync();
        _gateways.Add(app);
        await WaitUntilAsync(() => app.Services.GetRequiredService<IClusterMembershipView>().ActiveSilos.Count >= _silos.Count,
            TimeSpan.FromSeconds(20), "the gateway seeing every silo active");
        return app;
    }

    public static Uri Address(WebApplication gateway) => new(gateway.Urls.First());

    public static SiloAddress AddressOf(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>The silo that hosts grain <paramref name="grainId"/>, per the directory.</summary>
    public async Task<SiloAddress?> LocateAsync(GrainId grainId)
        => (await _gateways[0].Services.GetRequiredService<IGrainDirectory>().Lookup(grainId))?.Silo;

    public IHost SiloAt(SiloAddress address) => _silos.First(s => AddressOf(s) == address);

    /// <summary>Stops a silo gracefully (SIGTERM): it leaves the membership and moves its rooms.</summary>
    public async Task StopSiloAsync(IHost silo)
    {
        await silo.StopAsync();
        silo.Dispose();
        lock (_silos) _silos.Remove(silo);
    }

    /// <summary>Kills a silo: disposed without shutdown, so it just goes silent like a killed process.</summary>
    public void KillSilo(IHost silo)
    {
        silo.Dispose();
        lock (_silos) _silos.Remove(silo);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException($"Within {deadline.TotalSeconds} s: {what} did not happen.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            try { await gateway.StopAsync(); } catch (Exception) { }
            await gateway.DisposeAsync();
        }
        foreach (var silo in _silos.ToArray())
        {
            try { await silo.StopAsync(); } catch (Exception) { }
            silo.Dispose();
        }
    }
}
