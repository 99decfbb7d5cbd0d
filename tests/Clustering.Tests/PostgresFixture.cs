using System.Collections.Concurrent;
using Game.Runtime.Clustering.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Game.Clustering.Tests;

/// <summary>
/// A fresh PostgreSQL database per test class (<c>game_test_&lt;random&gt;</c>, dropped at the end) on the server
/// named by env <c>GAME_TEST_POSTGRES</c> (default: what scripts/install-test-deps.sh sets up). If the server is
/// unreachable every test of the class fails, saying to run that script.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>The environment variable with the server's connection string (an Npgsql one, database <c>postgres</c>).</summary>
    public const string EnvironmentVariable = "GAME_TEST_POSTGRES";

    /// <summary>The connection string scripts/install-test-deps.sh prints.</summary>
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=game;Password=game;Database=postgres";

    private readonly ConcurrentBag<string> _databases = [];
    private readonly ConcurrentBag<ClusterDatabase> _processes = [];
    private NpgsqlConnectionStringBuilder _server = null!;

    /// <summary>The connection string of this class's database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        _server = new NpgsqlConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured)
        {
            Timeout = 5,
            Pooling = false,
        };
        ConnectionString = await CreateDatabaseAsync();
    }

    /// <summary>Creates one more fresh database (also dropped at the end) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"game_test_{Guid.NewGuid():N}";
        try
        {
            await using var connection = new NpgsqlConnection(_server.ConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL for the clustering tests is not reachable at {_server.Host}:{_server.Port} as role {_server.Username} " +
                $"(env {EnvironmentVariable}, default from scripts/install-test-deps.sh): {e.Message}. " +
                "Run `bash scripts/install-test-deps.sh` to install and start it.", e);
        }
        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(_server.ConnectionString)
        {
            Database = name,
            Pooling = true,
            MaxPoolSize = 10,
            Timeout = 15,
        }.ConnectionString;
    }

    /// <summary>A new "process": its own data source on <paramref name="connectionString"/> (default: this class's database), disposed at the end.</summary>
    internal ClusterDatabase NewProcess(string? connectionString = null, ILoggerFactory? loggerFactory = null)
    {
        var database = ClusterDatabase.Create(connectionString ?? ConnectionString, loggerFactory);
        _processes.Add(database);
        return database;
    }

    internal PostgresMembershipTable NewMembershipTable(PostgresClusteringOptions? options = null, ClusterDatabase? process = null,
        ILogger<PostgresMembershipTable>? logger = null)
        => new(process ?? NewProcess(), options ?? new PostgresClusteringOptions(), TimeProvider.System,
            logger ?? NullLogger<PostgresMembershipTable>.Instance);

    internal PostgresGrainDirectory NewDirectory(ClusterDatabase? process = null) => new(process ?? NewProcess());

    internal PostgresGrainStorage NewStorage(ClusterDatabase? process = null) => new(process ?? NewProcess());

    /// <summary>Opens a plain connection to this class's database, for checking what is stored.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_databases.IsEmpty) return;
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
