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

    /// <summary>The pooled connections.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Builds a data source from <paramref name="connectionString"/>, with automatic preparation of the
    /// provider's statements turned on (after two uses) unless the connection string sets <c>Max Auto Prepare</c>, and an
    /// application name for <c>pg_stat_activity</c> unless it sets one.
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
        if (loggerFactory is not null) builder.UseLoggerFactory(loggerFactory);
        return new ClusterDatabase(builder.Build(), ownsDataSource: true);
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
