using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Runtime.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// Makes PostgreSQL the cluster's shared memory: membership table, grain directory and grain storage.
/// Stands for Orleans's <c>UseAdoNetClustering</c> (with the ADO.NET grain directory and storage).
/// </summary>
/// <remarks>
/// <para>
/// Connection string: an Npgsql one, e.g. <c>Host=127.0.0.1;Port=5432;Username=game;Password=…;Database=game</c>.
/// It is never logged. The role needs to create tables in the database on first start (afterwards reading and
/// writing them is enough). Unless the connection string says otherwise, statements are prepared automatically
/// (<c>Max Auto Prepare=32</c>, <c>Auto Prepare Min Usages=2</c>) and connections are named
/// <c>game-clustering</c> in <c>pg_stat_activity</c>.
/// </para>
/// <para>
/// Schema: created or migrated by the processes themselves, idempotently and safely when several start at once
/// (an advisory lock, <c>CREATE TABLE</c>, a <c>cluster_schema_version</c> row per migration): by
/// <see cref="IMembershipTable.InitializeAsync"/>, or else before the first command of any of the three.
/// </para>
/// <para>Settings: <see cref="PostgresClusteringOptions"/>, section <c>Clustering:Postgres</c>.</para>
/// </remarks>
public static class PostgresClusteringExtensions
{
    /// <summary>
    /// Uses PostgreSQL at <paramref name="connectionString"/> for this silo's membership table
    /// (<see cref="IMembershipTable"/>), grain directory (<see cref="IGrainDirectory"/>) and grain storage
    /// (<see cref="IGrainStorage"/>), replacing the in-memory defaults; see <see cref="AddPostgresClustering"/>.
    /// </summary>
    /// <param name="builder">The silo being configured.</param>
    /// <param name="connectionString">An Npgsql connection string; never logged.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or cannot be parsed.</exception>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPostgresClustering(connectionString);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="PostgresMembershipTable"/>, <see cref="PostgresGrainDirectory"/> and
    /// <see cref="PostgresGrainStorage"/> as singletons, each also as its runtime interface (replacing earlier
    /// registrations of <see cref="IMembershipTable"/>, <see cref="IGrainDirectory"/> and
    /// <see cref="IGrainStorage"/>), all sharing one <see cref="NpgsqlDataSource"/> that the container disposes.
    /// For a process that hosts no silo (a gateway) as well as for a silo.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="connectionString">An Npgsql connection string; never logged.</param>
    /// <returns>The same services.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or cannot be parsed.</exception>
    public static IServiceCollection AddPostgresClustering(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The parser's message names at most a keyword, never the string itself.
            throw new ArgumentException($"The PostgreSQL clustering connection string is not valid: {e.Message}", nameof(connectionString), e);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PostgresClusteringOptions>()
            .Configure<IServiceProvider>((options, sp) => sp.GetService<IConfiguration>()?.GetSection(PostgresClusteringOptions.Section).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresClusteringOptions>, PostgresClusteringOptionsValidator>());

        services.RemoveAll<ClusterDatabase>();
        services.AddSingleton(sp => ClusterDatabase.Create(connectionString, sp.GetService<ILoggerFactory>()));

        services.RemoveAll<PostgresMembershipTable>();
        services.AddSingleton(sp => new PostgresMembershipTable(
            sp.GetRequiredService<ClusterDatabase>(),
            sp.GetRequiredService<IOptions<PostgresClusteringOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PostgresMembershipTable>>() ?? NullLogger<PostgresMembershipTable>.Instance));
        services.RemoveAll<PostgresGrainDirectory>();
        services.AddSingleton(sp => new PostgresGrainDirectory(sp.GetRequiredService<ClusterDatabase>()));
        services.RemoveAll<PostgresGrainStorage>();
        services.AddSingleton(sp => new PostgresGrainStorage(sp.GetRequiredService<ClusterDatabase>()));

        services.RemoveAll<IMembershipTable>();
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<PostgresMembershipTable>());
        services.RemoveAll<IGrainDirectory>();
        services.AddSingleton<IGrainDirectory>(sp => sp.GetRequiredService<PostgresGrainDirectory>());
        services.RemoveAll<IGrainStorage>();
        services.AddSingleton<IGrainStorage>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        return services;
    }
}
