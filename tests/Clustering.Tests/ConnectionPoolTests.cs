using Game.Runtime.Clustering.Postgres;
using Npgsql;

namespace Game.Clustering.Tests;

/// <summary>Each process's pool stays well under PostgreSQL's server-wide connection limit unless the operator says otherwise.</summary>
public sealed class ConnectionPoolTests
{
    [Fact]
    public async Task The_pool_is_capped_by_default_and_an_explicit_size_wins()
    {
        await using var capped = ClusterDatabase.Create("Host=127.0.0.1;Username=game;Password=game;Database=x", loggerFactory: null);
        Assert.Equal(ClusterDatabase.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(capped.DataSource.ConnectionString).MaxPoolSize);

        await using var chosen = ClusterDatabase.Create("Host=127.0.0.1;Username=game;Password=game;Database=x;Maximum Pool Size=7", loggerFactory: null);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(chosen.DataSource.ConnectionString).MaxPoolSize);
    }
}
