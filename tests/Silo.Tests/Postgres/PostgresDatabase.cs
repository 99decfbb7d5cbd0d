using System.Collections.Concurrent;
using Npgsql;

namespace Game.Silo.Tests.Postgres;

/// <summary>
/// A fresh PostgreSQL database per test class (<c>game_test_&lt;random&gt;</c>, dropped at the end, as are any more made
/// with <see cref="CreateDatabaseAsync"/>) on the server named by env <c>GAME_TEST_POSTGRES</c> (default: what
/// scripts/install-test-deps.sh sets up). If the server is unreachable every test of the class fails, saying so.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    /// <summary>The environment variable with the server's connection string (an Npgsql one, database <c>postgres</c>).</summary>
    public const string EnvironmentVariable = "GAME_TEST_POSTGRES";

    /// <summary>The connection string scripts/install-test-deps.sh prints.</summary>
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=game;Password=game;Database=postgres";

    private readonly ConcurrentBag<string> _databases = [];
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

    /// <summary>Creates one more fresh, empty database (dropped at the end too) and returns its connection string.</summary>
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
                $"PostgreSQL for the tests is not reachable at {_server.Host}:{_server.Port} as role {_server.Username} " +
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

    /// <summary>Runs <paramref name="sql"/> on <paramref name="connectionString"/> (default: this class's database) and returns the first column of each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(connectionString ?? ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(reader.GetFieldValue<T>(0));
        return rows;
    }

    public async Task DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            // FORCE (PostgreSQL 13+) ends connections a test left open, e.g. those of a silo that did not stop.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
