using System.Reflection;
using Game.Silo.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;

namespace Game.Silo.Tests.Postgres;

/// <summary>The migrations and their applier, on a real PostgreSQL (one fresh database per class, more where a test needs an empty one).</summary>
public sealed class SchemaTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    /// <summary>
    /// The OrleansQuery keys Orleans.Clustering.AdoNet 10.4.2 reads: DbStoredQueries refuses to start (silo and client)
    /// unless all of these exist.
    /// </summary>
    public static readonly string[] ClusteringKeys =
    [
        "GatewaysQueryKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>
    /// Optional in Orleans.Clustering.AdoNet 10.4.2 (DbStoredQueries.GetCleanupDefunctSiloEntryQuery): when present,
    /// defunct-silo cleanup deletes Dead rows one by one, only if unchanged since read, instead of running
    /// CleanupDefunctSiloEntriesKey.
    /// </summary>
    public const string OptionalClusteringKey = "CleanupDefunctSiloEntryKey";

    /// <summary>
    /// The OrleansQuery keys AdoNetGrainStorage reads at start (AdoNetGrainStorage.DefaultInitializationQuery): the first
    /// three are required; DeleteStorageKey only with DeleteStateOnClear = true.
    /// </summary>
    public static readonly string[] PersistenceKeys = ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static readonly (int Version, string Name)[] ExpectedRecords =
        [(1, "001_orleans_clustering.sql"), (2, "002_orleans_persistence.sql")];

    [Fact]
    public void Migrations_are_embedded_in_order()
    {
        var migrations = PostgresSchema.LoadMigrations();

        Assert.Equal(new[] { 1, 2 }, migrations.Select(m => m.Version));
        Assert.Equal(new[] { "001_orleans_clustering.sql", "002_orleans_persistence.sql" }, migrations.Select(m => m.Name));
        Assert.All(migrations, m => Assert.False(string.IsNullOrWhiteSpace(m.Sql)));
    }

    [Fact]
    public async Task Applies_on_an_empty_database_and_again_without_change()
    {
        var connectionString = await database.CreateDatabaseAsync();

        await PostgresSchema.ApplyAsync(connectionString, NullLogger.Instance, CancellationToken.None);
        var first = await ReadRecordedAsync(connectionString);
        var queries = await ReadQueriesAsync(connectionString);

        await PostgresSchema.ApplyAsync(connectionString, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(ExpectedRecords, first);
        Assert.Equal(first, await ReadRecordedAsync(connectionString));
        Assert.Equal(queries, await ReadQueriesAsync(connectionString));
    }

    [Fact]
    public async Task Each_migration_can_run_again_on_its_own()
    {
        var connectionString = await database.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(connectionString, NullLogger.Instance, CancellationToken.None);
        var queries = await ReadQueriesAsync(connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var migration in PostgresSchema.LoadMigrations())
        {
            await using var again = new NpgsqlCommand(migration.Sql, connection);
            await again.ExecuteNonQueryAsync();
        }

        Assert.Equal(queries, await ReadQueriesAsync(connectionString));
        Assert.Equal(2, (await ReadRecordedAsync(connectionString)).Count);
    }

    [Fact]
    public async Task Six_processes_applying_at_once_all_succeed_and_each_migration_runs_once()
    {
        var connectionString = await database.CreateDatabaseAsync();

        // Separate pools, as separate processes would have.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => PostgresSchema.ApplyAsync(
            new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"process-{i}" }.ConnectionString,
            NullLogger.Instance, CancellationToken.None))));

        Assert.Equal(ExpectedRecords, await ReadRecordedAsync(connectionString));
        Assert.Equal(ClusteringKeys.Length + 1 + PersistenceKeys.Length, (await ReadQueriesAsync(connectionString)).Count);
    }

    [Fact]
    public async Task Every_query_key_Orleans_reads_is_present()
    {
        await PostgresSchema.ApplyAsync(database.ConnectionString, NullLogger.Instance, CancellationToken.None);

        // The very query Orleans runs (unquoted names: the table is orleansquery).
        var present = (await ReadQueriesAsync(database.ConnectionString)).Keys.ToHashSet();

        Assert.All(ClusteringKeys, key => Assert.Contains(key, present));
        Assert.Contains(OptionalClusteringKey, present);
        Assert.All(PersistenceKeys, key => Assert.Contains(key, present));
    }

    [Fact]
    public void The_key_list_covers_what_the_Orleans_assemblies_require()
    {
        // DbStoredQueries checks its non-public instance properties' names against the keys found; read them the same
        // way, so that an Orleans upgrade that adds a required key fails here rather than at silo start.
        var storedQueries = typeof(AdoNetClusteringTable).Assembly.GetType("Orleans.Clustering.AdoNet.Storage.DbStoredQueries", throwOnError: true)!;
        var required = storedQueries.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name).ToList();
        Assert.NotEmpty(required);
        Assert.All(required, key => Assert.Contains(key, ClusteringKeys));

        var initialization = (string)typeof(AdoNetGrainStorage).GetField(nameof(AdoNetGrainStorage.DefaultInitializationQuery))!.GetValue(null)!;
        Assert.All(PersistenceKeys, key => Assert.Contains($"'{key}'", initialization, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=p", 20)]
    [InlineData("Host=db;Username=u;Password=p;Maximum Pool Size=50", 50)]
    [InlineData("Host=db;Username=u;Password=p;MAXPOOLSIZE=7", 7)]
    [InlineData("Host=db;Username=u;Password=p;MaxPoolSize=100", 100)]
    [InlineData("host=db;username=u;password=p;maximum pool size=3", 3)]
    public void WithPoolCap_keeps_an_explicit_pool_size_else_caps_it(string connectionString, int expected)
    {
        var capped = new NpgsqlConnectionStringBuilder(PostgresSchema.WithPoolCap(connectionString));

        Assert.Equal(expected, capped.MaxPoolSize);
        Assert.Equal("db", capped.Host);
        Assert.Equal("p", capped.Password);
    }

    private static async Task<List<(int Version, string Name)>> ReadRecordedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT version, name FROM {PostgresSchema.MigrationsTable} ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt32(0), reader.GetString(1)));
        return rows;
    }

    private static async Task<Dictionary<string, string>> ReadQueriesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(reader.GetOrdinal("QueryKey")), reader.GetString(reader.GetOrdinal("QueryText")));
        return rows;
    }
}
