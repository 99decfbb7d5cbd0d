using Game.Runtime;
using Game.Runtime.Clustering.Postgres;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Runtime.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Game.Clustering.Tests;

public sealed class HostingTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_silo_using_postgres_clustering_gets_the_three_services_on_one_data_source()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseSilo(silo => silo.UsePostgresClustering(postgres.ConnectionString));
        using var host = builder.Build();

        Assert.IsType<PostgresMembershipTable>(host.Services.GetRequiredService<IMembershipTable>());
        Assert.IsType<PostgresGrainDirectory>(host.Services.GetRequiredService<IGrainDirectory>());
        Assert.IsType<PostgresGrainStorage>(host.Services.GetRequiredService<IGrainStorage>());
        Assert.Single(host.Services.GetServices<IGrainDirectory>());
        Assert.Single(host.Services.GetServices<ClusterDatabase>());

        var grain = new GrainId("room", Guid.NewGuid().ToString("N"));
        await host.Services.GetRequiredService<IGrainStorage>().WriteAsync(grain, 7, CancellationToken.None);
        Assert.Equal(7, await host.Services.GetRequiredService<IGrainStorage>().ReadAsync<int>(grain, CancellationToken.None));
    }

    [Fact]
    public async Task A_gateway_without_a_silo_can_use_the_directory_and_storage()
    {
        var services = new ServiceCollection().AddLogging().AddPostgresClustering(postgres.ConnectionString);
        await using var provider = services.BuildServiceProvider();

        var membership = provider.GetRequiredService<IMembershipTable>();
        var silo = (await TestSilos.AddAsync(membership, SiloStatus.Active, 1))[0];
        var address = new GrainAddress(new GrainId("player", "p1"), silo, Guid.NewGuid());
        Assert.Equal(address, await provider.GetRequiredService<IGrainDirectory>().Register(address));
        Assert.Equal(address, await postgres.NewDirectory().Lookup(address.GrainId));
    }

    [Fact]
    public void Options_have_their_documented_defaults_and_bind_from_Clustering_Postgres()
    {
        var defaults = new PostgresClusteringOptions();
        Assert.True(defaults.NotifyOnHeartbeat);
        Assert.Equal(TimeSpan.FromMilliseconds(500), defaults.WatchReconnectDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.WatchReconnectMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.WatchPingInterval);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Clustering:Postgres:NotifyOnHeartbeat"] = "false",
            ["Clustering:Postgres:WatchReconnectDelay"] = "00:00:02",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddPostgresClustering(postgres.ConnectionString).BuildServiceProvider();
        var bound = provider.GetRequiredService<IOptions<PostgresClusteringOptions>>().Value;
        Assert.False(bound.NotifyOnHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(2), bound.WatchReconnectDelay);

        var invalid = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Clustering:Postgres:WatchReconnectDelay"] = "00:00:00",
        }).Build();
        using var badProvider = new ServiceCollection().AddSingleton<IConfiguration>(invalid)
            .AddPostgresClustering(postgres.ConnectionString).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<PostgresClusteringOptions>>().Value);
        Assert.Contains("WatchReconnectDelay", error.Message);
    }

    [Fact]
    public void A_connection_string_that_cannot_be_parsed_is_rejected_without_being_echoed()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ServiceCollection().AddPostgresClustering("Host=db;Password=s3cret-pw;NoSuchKeyword=1"));
        Assert.DoesNotContain("s3cret-pw", error.ToString());
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddPostgresClustering(" "));
    }

    [Fact]
    public async Task Connection_failures_are_logged_without_the_connection_string()
    {
        const string password = "s3cret-pw";
        var unreachable = new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
        {
            Port = 1, Password = password, Timeout = 2,
        }.ConnectionString;
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Clustering:Postgres:WatchReconnectDelay"] = "00:00:00.050",
            }).Build())
            .AddPostgresClustering(unreachable);
        await using var provider = services.BuildServiceProvider();
        var table = provider.GetRequiredService<IMembershipTable>();

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => table.ReadAllAsync(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var watch = table.WatchAsync(_ => Task.CompletedTask, stop.Token);
        await Eventually.Within(logs.WaitForAsync(e => e.Id == 3102, count: 2), "two logged reconnection attempts of the watch");
        stop.Cancel();
        await Eventually.Within(watch, "WatchAsync returning after cancellation");

        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(password, StringComparison.Ordinal));
    }
}
