using Microsoft.Extensions.Logging;
using Npgsql;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> shared by the membership table, the directory and the storage of a
/// process, and the schema check they all await before their first command (so a process that only uses the
/// directory, e.g. a gateway, still creates the tables).
/// </summary>
internal sealed class ClusterDatabase : IAsyncDisposable, IDisposable
{
    private readonly bool _ownsDataSource;
    private readonly Lock _gate = new();
    private Task<int>? _schema;

    /// <param name="dataSource">Where the tables are.</param>
    /// <param name="ownsDataSource">Whether disposing this disposes <paramref name="dataSource"/>.</param>
    public ClusterDatabase(NpgsqlDataSource dataSource, bool ownsDataSource)
    {
        DataSource = dataSource;
        _ownsDataSource = ownsDataSource;
    }

    /// <summary>Connections per process when the connection string does not say (<c>Maximum Pool Size</c>).</summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>The pooled connections.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Builds a data source from <paramref name="connectionString"/>, with automatic preparation of the
    /// provider's statements turned on (after two uses) unless the connection string sets <c>Max Auto Prepare</c>, an
    /// application name for <c>pg_stat_activity</c> unless it sets one, and a pool of at most
    /// <see cref="DefaultMaxPoolSize"/> connections unless it sets <c>Maximum Pool Size</c>: Npgsql's own default (100 per
    /// process) equals PostgreSQL's default limit for the whole server, so a few processes under load would exhaust it
    /// (error 53300) and calls would fail.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public static ClusterDatabase Create(string connectionString, ILoggerFactory? loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        builder.ConnectionStringBuilder.ApplicationName ??= "game-clustering";
        if (!HasSetting(connectionString, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize"))
            builder.ConnectionStringBuilder.MaxPoolSize = DefaultMaxPoolSize;
        if (loggerFactory is not null) builder.UseLoggerFactory(loggerFactory);
        return new ClusterDatabase(builder.Build(), ownsDataSource: true);
    }

    private static bool HasSetting(string connectionString, params string[] keys)
    {
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(parsed.ContainsKey);
    }

    /// <summary>
    /// Creates or migrates the schema once per process (<see cref="PostgresSchema.ApplyAsync"/>); later calls
    /// return at once. A failed attempt is forgotten, so the next call tries again.
    /// </summary>
    /// <returns>The database's schema version.</returns>
    public Task<int> EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var schema = _schema;
        if (schema is { IsCompletedSuccessfully: true }) return schema;
        lock (_gate)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                // Not tied to one caller's token: a caller that gives up does not fail the others.
                _schema = PostgresSchema.ApplyAsync(DataSource, CancellationToken.None);
            }
            schema = _schema;
        }
        return schema.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDataSource ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource) DataSource.Dispose();
    }
}
