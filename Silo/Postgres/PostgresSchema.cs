using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Game.Silo.Postgres;

/// <summary>
/// The PostgreSQL schema that Orleans's ADO.NET clustering (membership table, clients' gateway list) and ADO.NET grain
/// storage run on: our own tables and the <c>OrleansQuery</c> rows Orleans reads its SQL from. Every process applies
/// it at start (<see cref="ApplyAsync"/>); the numbered migrations ship embedded in this assembly.
/// </summary>
/// <remarks>
/// <para>
/// Orleans finds the Npgsql provider by its invariant name alone (<see cref="Invariant"/>, set as
/// <c>o.Invariant</c> on <c>UseAdoNetClustering</c> and <c>AddAdoNetGrainStorage</c>): it loads the assembly
/// <c>Npgsql</c> by name and takes <c>NpgsqlFactory.Instance</c>, so no <c>DbProviderFactories</c> registration is
/// needed, only Npgsql.dll next to the application (a direct package reference).
/// </para>
/// <para>
/// Migrations are append-only: a released one is never edited; a change is a new, higher-numbered file
/// <c>NNN_name.sql</c>. Each is also safe to run again on its own.
/// </para>
/// </remarks>
public static partial class PostgresSchema
{
    /// <summary>The ADO.NET invariant name of Npgsql, for Orleans's <c>Invariant</c> options.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The pool size <see cref="WithPoolCap"/> sets when the connection string names none.</summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>The prefix of the migrations' embedded resource names; the file name follows it.</summary>
    public const string ResourcePrefix = "Game.Silo.Postgres.Migrations.";

    /// <summary>The table that records each applied migration.</summary>
    public const string MigrationsTable = "game_schema_migrations";

    /// <summary>Key of the transaction-scoped advisory lock that serialises migrations (advisory locks are per database).</summary>
    private const long MigrationLockKey = 0x47414D45_4F524C4E; // "GAMEORLN"

    /// <summary>
    /// Applies the embedded migrations the database lacks, in order, in one transaction under an advisory lock, and
    /// records each in <c>game_schema_migrations</c>. Processes that start at once queue on the lock; the later ones
    /// find nothing left to do, so each migration runs exactly once.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string of the database (the role needs CREATE on it).</param>
    /// <param name="logger">Where to log what was applied.</param>
    /// <param name="cancellationToken">Cancels the work (the transaction is rolled back).</param>
    /// <returns>A task that completes when the schema is up to date.</returns>
    public static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(logger);
        var migrations = LoadMigrations();

        // A connection of its own, outside the application's pool: it is used once, at start.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        LogWaitingForLock(logger, connection.Database);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand($"""
            CREATE TABLE IF NOT EXISTS {MigrationsTable} (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand($"SELECT version FROM {MigrationsTable}", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetInt32(0));
        }

        var count = 0;
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version)) continue;
            LogApplying(logger, migration.Version, migration.Name, connection.Database);
            await using (var migrate = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var record = new NpgsqlCommand($"INSERT INTO {MigrationsTable} (version, name) VALUES ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            count++;
        }

        await transaction.CommitAsync(cancellationToken);

        var known = migrations.Select(m => m.Version).ToHashSet();
        foreach (var version in applied.Where(v => !known.Contains(v)).Order())
        {
            LogUnknownMigration(logger, version, connection.Database);
        }
        if (count == 0) LogUpToDate(logger, connection.Database, migrations[^1].Version);
        else LogApplied(logger, count, connection.Database, migrations[^1].Version);
    }

    /// <summary>
    /// Returns <paramref name="connectionString"/> with a bounded connection pool: an explicit <c>Maximum Pool Size</c>
    /// (under any of its spellings) is kept; otherwise the pool is capped at <see cref="DefaultMaxPoolSize"/>
    /// connections instead of Npgsql's 100, which a few processes would exhaust PostgreSQL's server-wide limit with.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The connection string, normalised by Npgsql, with the pool size set.</returns>
    public static string WithPoolCap(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql's builder writes back only the settings that were given, under their canonical names.
        var explicitPoolSize = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString }
            .ContainsKey("Maximum Pool Size");
        if (!explicitPoolSize) builder.MaxPoolSize = DefaultMaxPoolSize;
        return builder.ConnectionString;
    }

    /// <summary>One numbered migration: its version, its file name and its SQL.</summary>
    /// <param name="Version">The number the file name starts with.</param>
    /// <param name="Name">The file name, e.g. <c>001_orleans_clustering.sql</c>.</param>
    /// <param name="Sql">The migration's SQL.</param>
    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>
    /// The embedded migrations (resources named <see cref="ResourcePrefix"/> + file name), in version order.
    /// </summary>
    /// <returns>Every migration, at least one, with distinct versions.</returns>
    /// <exception cref="InvalidOperationException">None is embedded, or a name has no number, or two share one.</exception>
    public static IReadOnlyList<Migration> LoadMigrations()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) ||
                !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            var name = resource[ResourcePrefix.Length..];
            var digits = name.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0 || name.Length <= digits || name[digits] != '_')
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNN_name.sql.");
            }
            var version = int.Parse(name.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, name, ReadResource(assembly, resource)));
        }
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException(
                $"No migrations embedded in {assembly.GetName().Name}: expected resources named '{ResourcePrefix}NNN_name.sql'.");
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migrations '{migrations[i - 1].Name}' and '{migrations[i].Name}' share version {migrations[i].Version}.");
            }
        }
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource '{resource}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Waiting for the schema migration lock of database {Database}")]
    private static partial void LogWaitingForLock(ILogger logger, string database);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Applying schema migration {Version} ({Name}) to database {Database}")]
    private static partial void LogApplying(ILogger logger, int version, string name, string database);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Applied {Count} schema migration(s) to database {Database}; now at version {Version}")]
    private static partial void LogApplied(ILogger logger, int count, string database, int version);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Schema of database {Database} is up to date (version {Version})")]
    private static partial void LogUpToDate(ILogger logger, string database, int version);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Database {Database} has schema migration {Version} that this build does not know (a newer build migrated it)")]
    private static partial void LogUnknownMigration(ILogger logger, int version, string database);
}
