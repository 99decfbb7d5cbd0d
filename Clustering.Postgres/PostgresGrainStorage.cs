using System.Text.Json;
using Game.Runtime.Storage;
using NpgsqlTypes;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// Grain state in PostgreSQL: table <c>grain_storage</c>, grain id text (<c>type/key</c>) → state as
/// <c>jsonb</c> and its update time. Last writer wins. Stands for Orleans's ADO.NET grain storage.
/// </summary>
/// <remarks>
/// State is serialised with System.Text.Json and <see cref="JsonSerializerDefaults.Web"/> (camelCase names,
/// case-insensitive reads), which handles records with positional constructors and immutable collections.
/// jsonb keeps the value, not the text: key order and white space are not preserved. Database errors surface
/// as <see cref="Npgsql.NpgsqlException"/>.
/// </remarks>
public sealed class PostgresGrainStorage : IGrainStorage
{
    private const string ReadSql = "SELECT state FROM grain_storage WHERE grain_id = $1";

    private const string WriteSql = """
        INSERT INTO grain_storage (grain_id, state, updated_at) VALUES ($1, $2, now())
        ON CONFLICT (grain_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
        """;

    private const string ClearSql = "DELETE FROM grain_storage WHERE grain_id = $1";

    /// <summary>The serializer settings of every stored state.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly ClusterDatabase _database;

    internal PostgresGrainStorage(ClusterDatabase database) => _database = database;

    /// <summary>Creates or migrates the provider's tables (as <see cref="PostgresMembershipTable.InitializeAsync"/> does); otherwise done before the first command.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _database.EnsureSchemaAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<T?> ReadAsync<T>(GrainId grainId, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(ReadSql).With(grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return default;
        return JsonSerializer.Deserialize<T>(reader.GetString(0), JsonOptions);
    }

    /// <inheritdoc />
    public async Task WriteAsync<T>(GrainId grainId, T state, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(WriteSql).With(grainId.ToString());
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string>
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            TypedValue = JsonSerializer.Serialize(state, JsonOptions),
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task ClearAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(cancellationToken);
        await using var command = _database.DataSource.CreateCommand(ClearSql).With(grainId.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
