using Game.Runtime.Clustering.Postgres;
using Npgsql;

namespace Game.Clustering.Tests;

public sealed class SchemaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] Tables =
        ["cluster_schema_version", "cluster_membership_version", "cluster_membership", "grain_directory", "grain_storage"];

    [Fact]
    public async Task Initializing_twice_in_one_process_and_again_in_another_is_fine()
    {
        var database = await postgres.CreateDatabaseAsync();
        var table = postgres.NewMembershipTable(process: postgres.NewProcess(database));
        await table.InitializeAsync(CancellationToken.None);
        await table.InitializeAsync(CancellationToken.None);
        await postgres.NewMembershipTable(process: postgres.NewProcess(database)).InitializeAsync(CancellationToken.None);

        await AssertSchemaCreatedOnceAsync(database);
        Assert.Equal(0, (await table.ReadAllAsync(CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Five_processes_starting_at_once_on_an_empty_database_all_succeed()
    {
        var database = await postgres.CreateDatabaseAsync();
        var tables = Enumerable.Range(0, 5).Select(_ => postgres.NewMembershipTable(process: postgres.NewProcess(database))).ToArray();

        await Eventually.Within(Task.WhenAll(tables.Select(t => t.InitializeAsync(CancellationToken.None))),
            "five concurrent schema initialisations completing");

        await AssertSchemaCreatedOnceAsync(database);
        foreach (var table in tables)
        {
            Assert.Equal(0, (await table.ReadAllAsync(CancellationToken.None)).Version);
        }
    }

    [Fact]
    public async Task The_directory_alone_creates_the_schema_before_its_first_command()
    {
        var database = await postgres.CreateDatabaseAsync();
        var directory = postgres.NewDirectory(postgres.NewProcess(database));

        Assert.Null(await directory.Lookup(new Runtime.GrainId("room", "nobody")));

        await AssertSchemaCreatedOnceAsync(database);
    }

    private static async Task AssertSchemaCreatedOnceAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var table in Tables)
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            Assert.True((bool)(await exists.ExecuteScalarAsync())!, $"table {table} exists");
        }
        await using var versions = new NpgsqlCommand("SELECT array_agg(version ORDER BY version) FROM cluster_schema_version", connection);
        Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version).ToArray(), (int[])(await versions.ExecuteScalarAsync())!);
        await using var versionRows = new NpgsqlCommand("SELECT count(*) FROM cluster_membership_version", connection);
        Assert.Equal(1L, (long)(await versionRows.ExecuteScalarAsync())!);
    }
}
