using Game.Silo.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Game.Silo;

/// <summary>
/// Applies the project's PostgreSQL schema (<see cref="PostgresSchema"/>) when the process starts, before Orleans: it is
/// registered ahead of <c>UseOrleans</c>/<c>UseOrleansClient</c>, and hosted services start in registration order.
/// Every process of a cluster runs it; the schema's advisory lock makes concurrent starts safe.
/// </summary>
/// <param name="connectionString">The cluster's Npgsql connection string.</param>
/// <param name="services">The host's services (for the logger).</param>
public sealed class PostgresSchemaService(string connectionString, IServiceProvider services) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
        => PostgresSchema.ApplyAsync(connectionString, services.GetRequiredService<ILogger<PostgresSchemaService>>(), cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
