using Game.Runtime.Directory;
using Game.Runtime.Hosting;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// The grain directory in PostgreSQL: table <c>grain_directory</c>, grain id text (<c>type/key</c>) → silo,
/// activation id, grain type and registration time. Stands for Orleans's ADO.NET grain directory.
/// </summary>
/// <remarks>
/// Every operation is one parameterised statement (one round trip; Npgsql prepares them after a couple of
/// uses). The single-activation guarantee rests on the primary key: concurrent <see cref="Register"/> calls for
/// one grain are serialised by PostgreSQL's <c>INSERT … ON CONFLICT DO UPDATE</c>, so exactly one wins and every
/// caller is told the winner. An entry is only ever taken over when its silo is Dead or missing from
/// <c>cluster_membership</c>, so a silo must be in the membership table (Joining or later) before it registers.
/// <see cref="Lookup"/> returns the stored entry as it is, even when its silo has died: callers check the
/// membership view. Database errors surface as <see cref="Npgsql.NpgsqlException"/>.
/// </remarks>
public sealed class PostgresGrainDirectory : IGrainDirectory
{
    private const string RegisterSql = """
        INSERT INTO grain_directory AS d (grain_id, grain_type, silo, activation_id, registered_at)
        VALUES ($1, $2, $3, $4, now())
        ON CONFLICT (grain_id) DO UPDATE SET (grain_type, silo, activation_id, registered_at) = (
            SELECT CASE WHEN a.alive THEN d.grain_type ELSE EXCLUDED.grain_type END,
                   CASE WHEN a.alive THEN d.silo ELSE EXCLUDED.silo END,
                   CASE WHEN a.alive THEN d.activation_id ELSE EXCLUDED.activation_id END,
                   CASE WHEN a.alive THEN d.registered_at ELSE EXCLUDED.registered_at END
            FROM (SELECT EXISTS (SELECT 1 FROM cluster_membership m WHERE m.silo = d.silo AND m.status <> 'Dead') AS alive) a)
        RETURNING silo, activation_id
        """;

    private const string UnregisterSql = "DELETE FROM grain_directory WHERE grain_id = $1 AND activation_id = $2";

    private const string LookupSql = "SELECT silo, activation_id FROM grain_directory WHERE grain_id = $1";

    private const string TryReplaceSql = """
        UPDATE grain_directory SET silo = $3, activation_id = $4, registered_at = now()
        WHERE grain_id = $1 AND activation_id = $2
        """;

    private const string UnregisterSiloSql = "DELETE FROM grain_directory WHERE silo = $1";

    private const string CountBySiloSql = "SELECT silo, count(*)::integer FROM grain_directory WHERE grain_type = $1 GROUP BY silo";

    private readonly ClusterDatabase _database;

    internal PostgresGrainDirectory(ClusterDatabase database) => _database = database;

    /// <summary>Creates or migrates the provider's tables (as <see cref="PostgresMembershipTable.InitializeAsync"/> does); otherwise done before the first command.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureSchemaAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Inserts the entry if the grain has none; if it has one whose silo is Dead or not a member, replaces it;
    /// otherwise keeps it. All in one statement, so two concurrent registrations can never both win.
    /// </remarks>
    public async Task<GrainAddress> Register(GrainAddress address, CancellationToken cancellationToken = default)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(RegisterSql)
            .With(address.GrainId.ToString()).With(address.GrainId.Type).With(address.Silo.ToString()).With(address.ActivationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException($"Registering {address.GrainId} returned no row."); // INSERT … ON CONFLICT DO UPDATE always returns one
        var activationId = reader.GetGuid(1);
        var silo = reader.GetString(0);
        return activationId == address.ActivationId && silo == address.Silo.ToString()
            ? address
            : new GrainAddress(address.GrainId, SiloAddress.Parse(silo), activationId);
    }

    /// <inheritdoc />
    /// <remarks>Deletes the entry only if its activation id is <paramref name="address"/>'s.</remarks>
    public async Task Unregister(GrainAddress address, CancellationToken cancellationToken = default)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(UnregisterSql)
            .With(address.GrainId.ToString()).With(address.ActivationId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<GrainAddress?> Lookup(GrainId grainId, CancellationToken cancellationToken = default)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(LookupSql).With(grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new GrainAddress(grainId, SiloAddress.Parse(reader.GetString(0)), reader.GetGuid(1));
    }

    /// <inheritdoc />
    /// <remarks>Compare-and-swap on the activation id: succeeds only while the entry's activation id is <paramref name="current"/>'s.</remarks>
    /// <exception cref="ArgumentException">The two addresses are of different grains.</exception>
    public async Task<bool> TryReplace(GrainAddress current, GrainAddress next, CancellationToken cancellationToken = default)
    {
        if (current.GrainId != next.GrainId)
            throw new ArgumentException($"Cannot replace an entry of {current.GrainId} by one of {next.GrainId}.", nameof(next));
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(TryReplaceSql)
            .With(current.GrainId.ToString()).With(current.ActivationId).With(next.Silo.ToString()).With(next.ActivationId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task UnregisterSilo(SiloAddress silo, CancellationToken cancellationToken = default)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(UnregisterSiloSql).With(silo.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Counts every entry, including entries on silos that have died but were not yet unregistered.</remarks>
    public async Task<IReadOnlyDictionary<SiloAddress, int>> CountBySilo(string grainType, CancellationToken cancellationToken = default)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(CountBySiloSql).With(grainType);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<SiloAddress, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[SiloAddress.Parse(reader.GetString(0))] = reader.GetInt32(1);
        }
        return counts;
    }
}
