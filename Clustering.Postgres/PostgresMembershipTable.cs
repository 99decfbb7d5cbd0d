using System.Collections.Immutable;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// The membership table in PostgreSQL: table <c>cluster_membership</c> (one row per silo, keyed by
/// <c>host:port@generation</c>) and the single version row of <c>cluster_membership_version</c>. The model of
/// Orleans's ADO.NET clustering.
/// </summary>
/// <remarks>
/// <see cref="TryInsertAsync"/> and <see cref="TryUpdateAsync"/> are one statement each: bump the version if it
/// still equals the expected one, write the row, NOTIFY watchers; all or nothing, and a lost race returns false
/// rather than throwing. Heartbeats change no version. Times are stored with microsecond precision (PostgreSQL
/// <c>timestamptz</c>) and read back in UTC. Database errors (unreachable server, …) surface as
/// <see cref="NpgsqlException"/>.
/// </remarks>
public sealed partial class PostgresMembershipTable : IMembershipTable
{
    private const string ReadAllSql = """
        SELECT v.version, m.silo, m.status, m.name, m.start_time, m.i_am_alive_time, m.activations, m.timer_tick_p99_ms, m.cpu_percent
        FROM cluster_membership_version v LEFT JOIN cluster_membership m ON true
        WHERE v.id = 0
        ORDER BY m.silo
        """;

    private const string TryInsertSql = $"""
        WITH v AS (
            UPDATE cluster_membership_version SET version = version + 1
            WHERE id = 0 AND version = $1 AND NOT EXISTS (SELECT 1 FROM cluster_membership WHERE silo = $2)
            RETURNING version),
        ins AS (
            INSERT INTO cluster_membership (silo, status, name, start_time, i_am_alive_time, activations, timer_tick_p99_ms, cpu_percent)
            SELECT $2, $3, $4, $5, $6, $7, $8, $9 FROM v
            ON CONFLICT (silo) DO NOTHING
            RETURNING silo)
        SELECT v.version, pg_notify('{PostgresSchema.MembershipChannel}', 'version:' || v.version) FROM v, ins
        """;

    private const string TryUpdateSql = $"""
        WITH v AS (
            UPDATE cluster_membership_version SET version = version + 1
            WHERE id = 0 AND version = $1 AND EXISTS (SELECT 1 FROM cluster_membership WHERE silo = $2)
            RETURNING version),
        upd AS (
            UPDATE cluster_membership m
            SET status = $3, name = $4, start_time = $5, i_am_alive_time = $6, activations = $7, timer_tick_p99_ms = $8, cpu_percent = $9
            FROM v WHERE m.silo = $2
            RETURNING m.silo)
        SELECT v.version, pg_notify('{PostgresSchema.MembershipChannel}', 'version:' || v.version) FROM v, upd
        """;

    private const string HeartbeatSql = """
        UPDATE cluster_membership SET i_am_alive_time = $2, activations = $3, timer_tick_p99_ms = $4, cpu_percent = $5 WHERE silo = $1
        """;

    private const string HeartbeatNotifySql = $"""
        WITH u AS (
            UPDATE cluster_membership SET i_am_alive_time = $2, activations = $3, timer_tick_p99_ms = $4, cpu_percent = $5 WHERE silo = $1
            RETURNING silo)
        SELECT pg_notify('{PostgresSchema.MembershipChannel}', 'alive:' || u.silo) FROM u
        """;

    private readonly ClusterDatabase _database;
    private readonly PostgresClusteringOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal PostgresMembershipTable(ClusterDatabase database, PostgresClusteringOptions options, TimeProvider time,
        ILogger<PostgresMembershipTable> logger)
    {
        _database = database;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <remarks>Creates or migrates every table of the provider (directory and storage too); see the schema notes on <see cref="PostgresClusteringExtensions"/>.</remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var version = await _database.EnsureSchemaAsync(cancellationToken);
        PostgresClusteringLog.SchemaReady(_logger, version, PostgresSchema.LatestVersion);
    }

    /// <inheritdoc />
    /// <remarks>One statement: the version and the rows are from one snapshot. Rows are ordered by address.</remarks>
    public async Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(ReadAllSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long version = 0;
        var entries = ImmutableArray.CreateBuilder<MembershipEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            version = reader.GetInt64(0);
            if (reader.IsDBNull(1)) continue;
            entries.Add(new MembershipEntry(
                SiloAddress.Parse(reader.GetString(1)),
                Enum.Parse<SiloStatus>(reader.GetString(2)),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                new SiloLoad(reader.GetInt32(6), reader.GetDouble(7), reader.GetDouble(8))));
        }
        return new MembershipTableSnapshot(version, entries.ToImmutable());
    }

    /// <inheritdoc />
    public Task<bool> TryInsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
        => TryWriteAsync(TryInsertSql, entry, expectedVersion, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryUpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
        => TryWriteAsync(TryUpdateSql, entry, expectedVersion, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Notifies watchers when <see cref="PostgresClusteringOptions.NotifyOnHeartbeat"/> is set. A silo without a row is logged, not thrown.</remarks>
    public async Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAlive, SiloLoad load, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        var notify = _options.NotifyOnHeartbeat;
        await using var command = _database.DataSource.CreateCommand(notify ? HeartbeatNotifySql : HeartbeatSql)
            .With(silo.ToString()).WithTime(iAmAlive).With(load.Activations).With(load.TimerTickP99Ms).With(load.CpuPercent);
        bool found;
        if (notify)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            found = await reader.ReadAsync(cancellationToken);
        }
        else
        {
            found = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }
        if (!found) PostgresClusteringLog.HeartbeatForUnknownSilo(_logger, silo.ToString());
    }

    private async Task<bool> TryWriteAsync(string sql, MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(sql)
            .With(expectedVersion).With(entry.Silo.ToString()).With(entry.Status.ToString()).With(entry.Name)
            .WithTime(entry.StartTime).WithTime(entry.IAmAliveTime).With(entry.Load.Activations).With(entry.Load.TimerTickP99Ms).With(entry.Load.CpuPercent);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken);
    }
}
