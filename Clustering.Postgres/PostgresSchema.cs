using Npgsql;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// The provider's tables, created and migrated by the processes themselves: one list of numbered migrations,
/// applied in order under a transaction-scoped advisory lock, each recorded in <c>cluster_schema_version</c>.
/// Safe when several processes start at once (they queue on the lock; the later ones find nothing to do).
/// </summary>
/// <remarks>
/// Tables (schema version 1):
/// <list type="bullet">
/// <item><c>cluster_membership_version</c>: the single version row of the membership table (id 0).</item>
/// <item><c>cluster_membership</c>: one row per silo, keyed by its address text <c>host:port@generation</c>.</item>
/// <item><c>grain_directory</c>: grain id text (<c>type/key</c>) → silo, activation id, grain type, registration time.</item>
/// <item><c>grain_storage</c>: grain id text → state as jsonb, update time.</item>
/// </list>
/// Migrations are append-only: a released one is never edited; a change is a new, higher-numbered entry.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>Key of the advisory lock that serialises migrations (advisory locks are per database).</summary>
    private const long MigrationLockKey = 0x47414D45_434C5553; // "GAMECLUS"

    /// <summary>The membership watch channel: every status change and (optionally) heartbeat is NOTIFYed on it.</summary>
    public const string MembershipChannel = "cluster_membership";

    /// <summary>Every migration, in order. Version numbers are consecutive from 1.</summary>
    internal static readonly IReadOnlyList<(int Version, string Description, string Sql)> Migrations =
    [
        (1, "membership, directory and storage tables", """
            CREATE TABLE cluster_membership_version (
                id      integer PRIMARY KEY DEFAULT 0 CHECK (id = 0),
                version bigint  NOT NULL
            );
            INSERT INTO cluster_membership_version (id, version) VALUES (0, 0);

            CREATE TABLE cluster_membership (
                silo              text             PRIMARY KEY,
                status            text             NOT NULL,
                name              text             NOT NULL,
                start_time        timestamptz      NOT NULL,
                i_am_alive_time   timestamptz      NOT NULL,
                activations       integer          NOT NULL,
                timer_tick_p99_ms double precision NOT NULL
            );

            CREATE TABLE grain_directory (
                grain_id      text        PRIMARY KEY,
                grain_type    text        NOT NULL,
                silo          text        NOT NULL,
                activation_id uuid        NOT NULL,
                registered_at timestamptz NOT NULL
            );
            CREATE INDEX grain_directory_silo ON grain_directory (silo);
            CREATE INDEX grain_directory_type_silo ON grain_directory (grain_type, silo);

            CREATE TABLE grain_storage (
                grain_id   text        PRIMARY KEY,
                state      jsonb       NOT NULL,
                updated_at timestamptz NOT NULL
            );
            """),
        (2, "silo CPU in the membership table", """
            ALTER TABLE cluster_membership ADD COLUMN cpu_percent double precision NOT NULL DEFAULT 0;
            """),
    ];

    /// <summary>The schema version this code writes and reads.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Applies the migrations the database lacks, in one transaction.</summary>
    /// <returns>The database's schema version afterwards (higher than <see cref="LatestVersion"/> if a newer process migrated it).</returns>
    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS cluster_schema_version (
                version     integer     PRIMARY KEY,
                description text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM cluster_schema_version", connection, transaction))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        }

        foreach (var (version, description, sql) in Migrations)
        {
            if (version <= current) continue;
            await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var record = new NpgsqlCommand("INSERT INTO cluster_schema_version (version, description) VALUES ($1, $2)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = description });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            current = version;
        }

        await transaction.CommitAsync(cancellationToken);
        return current;
    }
}
