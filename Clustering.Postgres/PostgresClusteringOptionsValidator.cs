using Microsoft.Extensions.Options;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>Rejects <see cref="PostgresClusteringOptions"/> values the provider cannot work with.</summary>
internal sealed class PostgresClusteringOptionsValidator : IValidateOptions<PostgresClusteringOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresClusteringOptions o)
    {
        const string s = PostgresClusteringOptions.Section;
        if (o.WatchReconnectDelay <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail($"{s}:WatchReconnectDelay must be positive (was {o.WatchReconnectDelay}).");
        if (o.WatchReconnectMaxDelay < o.WatchReconnectDelay)
            return ValidateOptionsResult.Fail($"{s}:WatchReconnectMaxDelay must be at least WatchReconnectDelay (was {o.WatchReconnectMaxDelay}).");
        if (o.WatchPingInterval <= TimeSpan.Zero || o.WatchPingInterval.TotalMilliseconds > int.MaxValue)
            return ValidateOptionsResult.Fail($"{s}:WatchPingInterval must be positive and under 24 days (was {o.WatchPingInterval}).");
        return ValidateOptionsResult.Success;
    }
}
